import { DomainError } from '@orders/decider-kit';
import { backoffDelay, pause } from './backoff';
import { jsonDecoder, messageIdOf } from './decoder';
import { isInfrastructureFailure, isRetryableByDefault, NonRetryableError, summarize } from './errors';
import { readHeaders } from './headers';

const raw = (value: string | null, headers: Record<string, string> = { 'event-type': 'T' }) => ({
  topic: 't', partition: 1, offset: '9', key: null, value: value === null ? null : Buffer.from(value), headers, timestamp: '0',
});

describe('json decoder', () => {
  it('decodes a JSON value typed by its event-type header', () => {
    expect(jsonDecoder(raw('{"a":1}'))).toEqual({ ok: true, type: 'T', payload: { a: 1 } });
  });

  it('classifies empty and non-JSON values as malformed and a missing type as invalid', () => {
    expect(jsonDecoder(raw(null))).toMatchObject({ ok: false, classification: 'malformed' });
    expect(jsonDecoder(raw('{"a":'))).toMatchObject({ ok: false, classification: 'malformed', reason: expect.stringContaining('not JSON') });
    expect(jsonDecoder(raw('{}', {}))).toMatchObject({ ok: false, classification: 'invalid', reason: 'missing event-type header' });
  });

  it('keys the inbox by event-id, else by the decoder id, else by the message coordinates', () => {
    expect(messageIdOf(raw('{}', { 'event-id': 'e-1' }), { id: 'd-1' })).toBe('e-1');
    expect(messageIdOf(raw('{}'), { id: 'd-1' })).toBe('d-1');
    expect(messageIdOf(raw('{}'))).toBe('t/1/9');
  });
});

describe('headers', () => {
  it('reads buffers, strings and repeated headers (the last wins)', () => {
    expect(readHeaders({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), Buffer.from('2')], d: undefined })).toEqual({ a: 'x', b: 'y', c: '2' });
  });
});

describe('retry decisions', () => {
  it('does not retry refusals and explicitly non-retryable errors', () => {
    expect(isRetryableByDefault(new NonRetryableError('no'))).toBe(false);
    expect(isRetryableByDefault(new DomainError('ORDER_CLOSED', 'closed'))).toBe(false);
    expect(isRetryableByDefault(Object.assign(new Error('x'), { retryable: false }))).toBe(false);
    expect(isRetryableByDefault(new Error('timeout'))).toBe(true);
  });

  it('treats PostgreSQL connection loss as infrastructure, not as the message', () => {
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isInfrastructureFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });

  it('summarises errors with their class and code', () => {
    expect(summarize(new DomainError('ORDER_CLOSED', 'closed'))).toEqual({ class: 'DomainError', message: 'closed', code: 'ORDER_CLOSED' });
    expect(summarize('plain')).toEqual({ class: 'string', message: 'plain' });
  });

  it('backs off exponentially with jitter under the cap', () => {
    const policy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1000 };
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(policy, 1)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(policy, 1)).toBeLessThanOrEqual(100);
      expect(backoffDelay(policy, 3)).toBeGreaterThanOrEqual(200);
      expect(backoffDelay(policy, 30)).toBeLessThanOrEqual(1000);
    }
  });

  it('cuts a pause short when the consumer stops', async () => {
    const controller = new AbortController();
    const paused = pause(60_000, controller.signal);
    controller.abort();
    await expect(paused).resolves.toBe(false);
  });
});
