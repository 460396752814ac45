import { applyDecorators, CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { Scope } from '../config/service-config';
import { ApiKeyRegistry, hasScope, presentedKey, type AuthenticatedRequest } from './api-keys';
import { REQUIRED_SCOPE } from './current-principal.decorator';
import { PUBLIC_EXTENSION } from '../http/openapi-document';

const PUBLIC_ROUTE = 'orders:public-route';

/**
 * Marks a controller or handler that needs no credentials (health, metrics). Everything else does. The OpenAPI
 * document says the same: the mark becomes `security: []` there (see openapi-document.ts).
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_EXTENSION, true));


@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly registry: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    // Kafka handlers of a hybrid app are not HTTP requests: the broker connection is their authentication.
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.registry.authenticate(presentedKey(request.headers));
    if (!principal) throw new UnauthorizedException('missing or unknown API key');
    const method = (request.method ?? 'GET').toUpperCase();
    const needed = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()])
      ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write');
    if (!hasScope(principal, needed)) throw new ForbiddenException(`this key lacks the ${needed} scope`);
    request.principal = principal;
    return true;
  }
}
