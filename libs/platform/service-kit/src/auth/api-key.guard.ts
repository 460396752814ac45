import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IncomingMessage } from 'node:http';
import { ApiKeyRegistry, Principal, presentedKey } from './api-keys';

const PUBLIC_ROUTE = 'orders:public-route';

/** Marks a controller or handler that needs no credentials (health, metrics). Everything else does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly registry: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.registry.authenticate(presentedKey(request.headers));
    if (!principal) throw new UnauthorizedException('missing or unknown API key');
    request.principal = principal;
    return true;
  }
}
