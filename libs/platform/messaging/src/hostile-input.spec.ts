import { DomainError } from '@orders/decider-kit';
import { Registry } from 'prom-client';
import { deadLetterOf } from './dead-letter';
import { isInfrastructureFailure, isRetryableByDefault, NonRetryableError } from './errors';
import { registerMessagingMetrics } from './metrics';

class Refused extends DomainError {
  constructor() {
    super('REFUSED', 'refused');
  }
}

describe('failure classification at the messaging seam', () => {
  it("an outage is retried without bound; a failure the message's data caused is not", () => {
    for (const code of ['08006', '08001', '57P01', '53300', 'ECONNREFUSED'])
      expect(isInfrastructureFailure({ code })).toBe(true);
    expect(isInfrastructureFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    // 08P01: what a NUL inside a simple-protocol query makes of it; 22021: NUL as a text parameter; 54001: too deep
    for (const code of ['08P01', '22021', '22P05', '22003', '54001']) {
      expect(isInfrastructureFailure(Object.assign(new Error('x'), { code }))).toBe(false);
      expect(isRetryableByDefault(Object.assign(new Error('x'), { code }))).toBe(false);
    }
  });

  it('keeps the old retry rules for everything else', () => {
    expect(isRetryableByDefault(new Error('timeout'))).toBe(true);
    expect(isRetryableByDefault({ code: '40001' })).toBe(true);
    expect(isRetryableByDefault(new NonRetryableError('no'))).toBe(false);
    expect(isRetryableByDefault(new Refused())).toBe(false);
  });
});

describe('dead letters of hostile messages', () => {
  it('carry the headers as they arrived: bytes and repeats, not a lossy string of the last one', () => {
    const badBytes = Buffer.from([0x65, 0xff, 0x00]);
    const raw = {
      topic: 't',
      partition: 0,
      offset: '7',
      key: 'k',
      value: Buffer.from('{}'),
      timestamp: '0',
      headers: { 'event-id': '\ufffd', 'event-type': 'B' },
      rawHeaders: { 'event-id': badBytes, 'event-type': [Buffer.from('A'), Buffer.from('B')] },
    };
    const letter = deadLetterOf(
      raw,
      'g',
      't/0/7',
      {
        classification: 'malformed',
        error: { class: 'DecodeError', message: 'header event-id: not UTF-8 text' },
        attempts: 0,
      },
      new Date(0),
    );
    expect(letter.headers?.['event-id']).toBe(badBytes);
    expect(letter.headers?.['event-type']).toEqual([Buffer.from('A'), Buffer.from('B')]);
    expect(letter.headers).toMatchObject({
      'dlq-classification': 'malformed',
      'dlq-error-message': 'header event-id: not UTF-8 text',
    });
  });
});

describe('messaging metrics on a service registry', () => {
  it('registers every messaging_* metric, the parked counter included, idempotently', async () => {
    const registry = new Registry();
    registerMessagingMetrics(registry);
    registerMessagingMetrics(registry);
    const names = registry.getMetricsAsArray().map((metric) => (metric as unknown as { name: string }).name);
    expect(names).toEqual(
      expect.arrayContaining(['messaging_consumer_lag', 'messaging_dead_lettered_total', 'messaging_parked_total']),
    );
    expect(names.every((name) => name.startsWith('messaging_'))).toBe(true);
  });
});
