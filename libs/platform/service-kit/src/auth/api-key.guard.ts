import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { Scope } from '../config/service-config';
import { ApiKeyRegistry, hasScope, presentedKey, queryKey, type AuthenticatedRequest } from './api-keys';
import { REQUIRED_SCOPE } from './current-principal.decorator';
import { PUBLIC_EXTENSION } from '../http/openapi-document';

const PUBLIC_ROUTE = 'orders:public-route';

/**
 * Marks a controller or handler that needs no credentials (health, metrics). Everything else does. The OpenAPI
 * document says the same: the mark becomes `security: []` there (see openapi-document.ts).
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_EXTENSION, true));

/**
 * A key was presented but is not one of ours. The platform answers it 401 like a missing key; an API that tells the
 * two apart (Market: 401 without credentials, 403 with wrong ones) reads the class in its error dialect.
 */
export class UnknownApiKey extends UnauthorizedException {
  constructor() {
    super('unknown API key');
  }
}

const KEY_IN_QUERY = 'orders:key-in-query';

/** The OpenAPI security scheme of `@KeyInQuery()` (openapi.ts declares it). */
export const QUERY_KEY_SCHEME = 'apikey';
export const QUERY_KEY_PARAMETER = 'apikey';

/**
 * The route also takes its key as `?apikey=<key>`, as Track & Trace's position push does (its devices send the
 * company's key in the URL). The headers still work and win; the OpenAPI document lists the three ways.
 */
export const KeyInQuery = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(KEY_IN_QUERY, QUERY_KEY_PARAMETER),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiSecurity(QUERY_KEY_SCHEME),
  );

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // Kafka handlers of a hybrid app are not HTTP requests: the broker connection is their authentication.
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const inQuery = this.reflector.getAllAndOverride<string | undefined>(KEY_IN_QUERY, targets);
    const presented = presentedKey(request.headers) ?? (inQuery ? queryKey(request.url, inQuery) : undefined);
    if (!presented) throw new UnauthorizedException('missing API key');
    const principal = this.registry.authenticate(presented);
    if (!principal) throw new UnknownApiKey();
    const method = (request.method ?? 'GET').toUpperCase();
    const needed =
      this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ??
      (method === 'GET' || method === 'HEAD' ? 'read' : 'write');
    if (!hasScope(principal, needed)) throw new ForbiddenException(`this key lacks the ${needed} scope`);
    request.principal = principal;
    return true;
  }
}
