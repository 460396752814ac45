import { ExecutionContext, ForbiddenException, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Scope } from '../config/service-config';
import type { AuthenticatedRequest } from './api-keys';

/** The authenticated caller of this request (the guard has already refused anonymous ones on protected routes). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new ForbiddenException('no principal on this request');
  return request.principal;
});

export const REQUIRED_SCOPE = 'orders:required-scope';

/**
 * The scope a route needs; the guard answers 403 FORBIDDEN without it. Routes without this decorator need `read`
 * for GET/HEAD and `write` otherwise.
 */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPE, scope);
