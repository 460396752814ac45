import { classifyFailure, errorClassOf, isRetryable, NonRetryableError, RetryableError } from './retryable';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isRetryable', () => {
  it('follows the explicit markers', () => {
    expect(isRetryable(new RetryableError('broker busy', { retryAfterMs: 500 }))).toBe(true);
    expect(new RetryableError('x', { retryAfterMs: 500 }).retryAfterMs).toBe(500);
    expect(isRetryable(new NonRetryableError('partner said 400', { cause: withCode('ECONNRESET') }))).toBe(false);
    // kafkajs errors say `retriable`; the marker of the first error in the chain decides.
    expect(isRetryable(Object.assign(new Error('leader not available'), { retriable: true }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('message too large'), { retriable: false }))).toBe(false);
  });

  it('recognises transient database, network and concurrency codes', () => {
    for (const code of ['40001', '40P01', '55P03', '57P01', '08006', '08001', 'ECONNREFUSED', 'ETIMEDOUT', 'CONCURRENCY_CONFLICT']) {
      expect({ code, retryable: isRetryable(withCode(code)) }).toEqual({ code, retryable: true });
    }
  });

  it('recognises node-postgres connection failures that have no code', () => {
    expect(isRetryable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isRetryable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('treats broken rules, constraint violations and plain errors as permanent', () => {
    for (const error of [withCode('ORDER_IN_TERMINAL_STATE'), withCode('23505'), withCode('22P02'), new TypeError('x'), 'boom', null, undefined]) {
      expect(classifyFailure(error)).toBe('permanent');
    }
  });

  it('looks through causes, and survives cycles', () => {
    expect(isRetryable(new Error('handler failed', { cause: new Error('query failed', { cause: withCode('40P01') }) }))).toBe(true);
    const cyclic = new Error('a') as Error & { cause?: unknown };
    const other = new Error('b', { cause: cyclic });
    cyclic.cause = other;
    expect(isRetryable(cyclic)).toBe(false);
  });
});

describe('errorClassOf', () => {
  it('names the class for dead-letter headers', () => {
    expect(errorClassOf(new RetryableError('x'))).toBe('RetryableError');
    expect(errorClassOf(new TypeError('x'))).toBe('TypeError');
    expect(errorClassOf({})).toBe('Object');
    expect(errorClassOf('boom')).toBe('string');
  });
});
