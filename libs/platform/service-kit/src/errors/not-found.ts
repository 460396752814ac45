import {
  applyDecorators, CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor, SetMetadata, UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, Observable, throwError } from 'rxjs';

/**
 * 404 `NOT_FOUND` with the resource in `details` (api-conventions.md): one code for "not there" in every service,
 * so a client needs no table of per-service codes; `details` says what was looked for.
 */
export class NotFound extends HttpException {
  constructor(readonly resource: string, readonly id: string, message = `no ${resource} ${id}`) {
    super({ errors: [{ code: 'NOT_FOUND', message, details: { resource, id } }] }, 404);
    this.name = 'NotFound';
  }
}

/** Domain and store errors name their own "not found" (`DELIVERY_NOT_FOUND`, ...); the edge answers NOT_FOUND. */
export const isNotFoundCode = (code: unknown): boolean => typeof code === 'string' && /(^|_)NOT_FOUND$/.test(code);

const NOT_FOUND_RESOURCE = 'service-kit:not-found-resource';

interface NotFoundResource {
  readonly resource: string;
  readonly param: string;
  readonly domainMessage: boolean;
}

@Injectable()
export class NotFoundResourceInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const targets = [context.getHandler(), context.getClass()];
    const named = this.reflector.getAllAndOverride<NotFoundResource | undefined>(NOT_FOUND_RESOURCE, targets);
    if (!named) return next.handle();
    const params = context.switchToHttp().getRequest<{ params?: Record<string, string> }>().params ?? {};
    const id = params[named.param];
    // A route without that parameter (a list on a controller that names its resource) keeps the generic answer.
    if (id === undefined) return next.handle();
    return next.handle().pipe(catchError((error: unknown) => {
      const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
      const named404 = isNotFoundCode(code) && !(error instanceof NotFound);
      if (!named404) return throwError(() => error);
      // The kit's own message, not the domain's: a missing id reads word for word as one of the wrong format (PathId).
      const message = named.domainMessage ? (error as Error).message : undefined;
      return throwError(() => new NotFound(named.resource, id, message));
    }));
  }
}

/**
 * Names the resource a route's path points at: a domain "not found" raised while serving it (the decider and the
 * store do not know the path) answers `NOT_FOUND` with `{resource, id: <path parameter>}` and the kit's message, the
 * one a path id of the wrong format gets (`PathId`). `domainMessage` keeps the domain's own text instead, for a
 * partner's façade whose answers stay as they were (its path ids are not `PathId`s).
 */
export const NotFoundAs = (
  resource: string,
  param: string,
  options: { domainMessage?: boolean } = {},
): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(NOT_FOUND_RESOURCE, { resource, param, domainMessage: options.domainMessage ?? false }),
    UseInterceptors(NotFoundResourceInterceptor),
  );
