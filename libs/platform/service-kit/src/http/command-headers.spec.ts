import { agreedExpectedVersion, etagOf, expectedVersionOf, scopedIdempotencyKey } from './command-headers';
import { commandContextOf, commandMetadataOf } from './command-context';

const fieldError = (code: string, field: string) =>
  expect.objectContaining({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ code, field })] });

describe('command headers: one rule set for every service', () => {
  it('reads If-Match as a strong, weak or bare version, and sets no condition when absent or *', () => {
    expect(expectedVersionOf('"3"')).toBe(3);
    expect(expectedVersionOf('W/"3"')).toBe(3);
    expect(expectedVersionOf(' 12 ')).toBe(12);
    expect(expectedVersionOf('0')).toBe(0);
    expect(expectedVersionOf(etagOf(41))).toBe(41);
    expect(expectedVersionOf(undefined)).toBeUndefined();
    expect(expectedVersionOf('*')).toBeUndefined();
  });

  it.each(['', '"three"', '"1", "2"', '-1', '"1.5"', '1234567890123456'])('refuses If-Match %p with 422 naming the header', (value) => {
    expect(() => expectedVersionOf(value)).toThrow(fieldError('INVALID_VALUE', 'If-Match'));
  });

  it('refuses a repeated If-Match the same way', () => {
    expect(() => expectedVersionOf(['"1"', '"2"'])).toThrow(fieldError('INVALID_VALUE', 'If-Match'));
  });

  it('takes a body version alone, or with If-Match when both agree', () => {
    expect(agreedExpectedVersion(undefined, 4, 'expectedVersion')).toBe(4);
    expect(agreedExpectedVersion(3, 3, 'expectedVersion')).toBe(3);
    expect(agreedExpectedVersion(3, undefined, 'expectedVersion')).toBe(3);
    expect(() => agreedExpectedVersion(3, 4, 'expectedVersion')).toThrow(fieldError('INVALID_VALUE', 'expectedVersion'));
  });

  it('scopes an Idempotency-Key to the principal', () => {
    expect(scopedIdempotencyKey('desk-a', 'k-1')).toBe('desk-a:k-1');
    expect(scopedIdempotencyKey('desk-b', 'k-1')).not.toBe(scopedIdempotencyKey('desk-a', 'k-1'));
    expect(scopedIdempotencyKey('desk-a', 'k'.repeat(128))).toBe(`desk-a:${'k'.repeat(128)}`);
    expect(scopedIdempotencyKey('desk-a', undefined)).toBeUndefined();
  });

  it('refuses an empty, spaced, non-ASCII or repeated key (INVALID_VALUE) and a long one (FIELD_TOO_LONG)', () => {
    for (const value of ['', 'a b', 'ключ', 'a\tb', ['a', 'b']]) {
      expect(() => scopedIdempotencyKey('desk-a', value)).toThrow(fieldError('INVALID_VALUE', 'Idempotency-Key'));
    }
    expect(() => scopedIdempotencyKey('desk-a', 'k'.repeat(129))).toThrow(fieldError('FIELD_TOO_LONG', 'Idempotency-Key'));
  });
});

describe('command context', () => {
  const principal = { id: 'desk-a', tenants: ['company-a'], scopes: ['read', 'write'] } as const;
  const now = new Date('2026-12-07T10:00:00.000Z');
  const request = (headers: Record<string, string>, extra: object = {}) =>
    Object.assign({ headers, id: 'req-1', correlationId: 'corr-1', principal }, extra) as never;

  it('gathers time, actor, ids and both headers, and makes the metadata the store records', () => {
    const context = commandContextOf(request({ 'if-match': '"2"', 'idempotency-key': 'k-1' }), now);
    expect(context).toEqual({
      now, principal, actor: 'desk-a', correlationId: 'corr-1', causationId: 'req-1', expectedVersion: 2, idempotencyKey: 'desk-a:k-1',
    });
    expect(commandMetadataOf(context)).toEqual({
      now: '2026-12-07T10:00:00.000Z', actor: 'desk-a', correlationId: 'corr-1', causationId: 'req-1', idempotencyKey: 'desk-a:k-1',
    });
  });

  it('leaves out what was not sent, and refuses a request without a principal', () => {
    expect(commandContextOf(request({}), now)).not.toHaveProperty('expectedVersion');
    expect(commandMetadataOf(commandContextOf(request({}), now))).not.toHaveProperty('idempotencyKey');
    expect(() => commandContextOf(request({}, { principal: undefined }), now)).toThrow(/principal/);
  });
});
