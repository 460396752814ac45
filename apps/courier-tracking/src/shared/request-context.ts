import { BadRequestException, ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import { AuthenticatedRequest, RequestValidationError, TracedRequest } from '@orders/service-kit';

/**
 * What a command needs from the HTTP request: "now" (the only clock read, here at the edge), the actor, the
 * correlation id, and an Idempotency-Key scoped to the caller so two integrators' keys never collide.
 */
export const CommandMeta = createParamDecorator((_data: unknown, context: ExecutionContext): CommandMetadata => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest & TracedRequest>();
  const principal = request.principal?.id ?? 'anonymous';
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(key))) {
    throw new RequestValidationError([{ code: 'INVALID_VALUE', message: 'Idempotency-Key must be 1 to 128 visible ASCII characters', field: 'Idempotency-Key' }]);
  }
  return {
    now: new Date().toISOString(),
    actor: principal,
    correlationId: request.correlationId,
    ...(key ? { idempotencyKey: `courier:${principal}:${key}` } : {}),
  };
});

/** `If-Match: "3"` makes a write conditional on the order's version (api-conventions.md, concurrency). */
export const IfMatchVersion = createParamDecorator((_data: unknown, context: ExecutionContext): number | undefined => {
  const value = context.switchToHttp().getRequest<AuthenticatedRequest>().headers['if-match'];
  if (value === undefined || value === '' || value === '*') return undefined;
  const match = typeof value === 'string' ? /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value) : null;
  if (!match) throw new BadRequestException({ code: 'BAD_REQUEST', message: 'If-Match must be an order version, e.g. "3"' });
  return Number(match[1]);
});
