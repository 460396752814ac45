import { expectedVersionOf, scopedIdempotencyKey } from './request-headers';

const principal = { id: 'desk-a', tenants: ['company-a'], scopes: ['read', 'write'] } as const;

describe('write conditions from headers', () => {
  it('reads If-Match as an ETag, weak or bare, and falls back to the body', () => {
    expect(expectedVersionOf('"3"', undefined)).toBe(3);
    expect(expectedVersionOf('W/"3"', undefined)).toBe(3);
    expect(expectedVersionOf(' 12 ', 12)).toBe(12);
    expect(expectedVersionOf(undefined, 4)).toBe(4);
    expect(expectedVersionOf('*', undefined)).toBeUndefined();
  });

  it('refuses an unreadable If-Match (400) and one that contradicts the body (422)', () => {
    expect(() => expectedVersionOf('"three"', undefined)).toThrow(/If-Match/);
    expect(() => expectedVersionOf('"3"', 4)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('scopes idempotency keys to the caller and refuses odd ones', () => {
    expect(scopedIdempotencyKey(principal, 'k-1')).toBe('intake:desk-a:k-1');
    expect(scopedIdempotencyKey(principal, undefined)).toBeUndefined();
    expect(() => scopedIdempotencyKey(principal, 'a b')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => scopedIdempotencyKey(principal, 'k'.repeat(129))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
