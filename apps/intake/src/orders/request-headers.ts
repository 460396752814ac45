import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { canAccessTenant, RequestValidationError, type Principal } from '@orders/service-kit';

/** A path naming a company the principal may not act for: 403 (api-conventions.md, tenancy). */
export function assertCompanyAccess(principal: Principal, companyId: string): void {
  if (!canAccessTenant(principal, companyId)) {
    throw new ForbiddenException({ code: 'FORBIDDEN', message: `this key may not act for company ${companyId}` });
  }
}

/**
 * The version a write is conditional on: `If-Match: "3"` (an ETag as GET returns it) or `expectedVersion` in the
 * body. Both may be sent only when they agree.
 */
export function expectedVersionOf(ifMatch: string | undefined, fromBody: number | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch === '' || ifMatch === '*') return fromBody;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(ifMatch);
  if (!match) throw new BadRequestException({ code: 'BAD_REQUEST', message: 'If-Match must be an order version, e.g. "3"' });
  const version = Number(match[1]);
  if (fromBody !== undefined && fromBody !== version) {
    throw new RequestValidationError([{ code: 'INVALID_VALUE', message: 'expectedVersion and If-Match disagree', field: 'expectedVersion' }]);
  }
  return version;
}

/**
 * Idempotency keys are scoped to the caller: two integrators choosing the same key never collide, and nobody can
 * replay another's answer.
 */
export function scopedIdempotencyKey(principal: Principal, key: string | undefined): string | undefined {
  if (key === undefined || key === '') return undefined;
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw new RequestValidationError([{ code: 'INVALID_VALUE', message: 'Idempotency-Key must be 1 to 128 visible ASCII characters', field: 'Idempotency-Key' }]);
  }
  return `intake:${principal.id}:${key}`;
}

export const etagOf = (version: number): string => `"${version}"`;
