import { deadLetterOf } from './dead-letter';
import { redriveMessage, type DeadLetter } from './dead-letters';
import { readHeaders } from './headers';

const raw = {
  topic: 'intake.external-orders.v1',
  partition: 2,
  offset: '41',
  key: 'ext-1',
  value: Buffer.from('{"a":1}'),
  headers: { 'event-type': 'ExternalOrderReceived', traceparent: '00-abc-def-01' },
  timestamp: '0',
};

describe('dead letters', () => {
  it('keeps the original message and adds origin, reason and the inbox key', () => {
    const letter = deadLetterOf(
      raw,
      'intake',
      'intake.external-orders.v1/2/41',
      {
        classification: 'retries-exhausted',
        error: { class: 'TypeError', message: 'x'.repeat(5000), code: 'E_X' },
        attempts: 5,
      },
      new Date('2026-03-01T00:00:00Z'),
    );
    const headers = letter.headers as Record<string, string>;
    expect(letter.key).toBe('ext-1');
    expect(letter.value).toBe(raw.value);
    expect(headers).toMatchObject({
      'event-type': 'ExternalOrderReceived',
      traceparent: '00-abc-def-01',
      'event-id': 'intake.external-orders.v1/2/41',
      'dlq-origin-topic': 'intake.external-orders.v1',
      'dlq-origin-partition': '2',
      'dlq-origin-offset': '41',
      'dlq-group-id': 'intake',
      'dlq-error-class': 'TypeError',
      'dlq-error-code': 'E_X',
      'dlq-classification': 'retries-exhausted',
      'dlq-attempts': '5',
      'dlq-failed-at': '2026-03-01T00:00:00.000Z',
    });
    expect(headers['dlq-error-message']).toHaveLength(2000);
  });

  it('redrives with the original headers and event id, without the dlq ones', () => {
    const letter = deadLetterOf(
      { ...raw, headers: { ...raw.headers, 'event-id': 'evt-1' } },
      'g',
      'evt-1',
      { classification: 'malformed', error: { class: 'DecodeError', message: 'bad' }, attempts: 0 },
      new Date(0),
    );
    const stored: DeadLetter = {
      dlqTopic: 'intake.external-orders.v1.dlq',
      partition: 2,
      offset: '7',
      key: 'ext-1',
      value: raw.value,
      headers: readHeaders(
        Object.fromEntries(
          Object.entries(letter.headers as Record<string, string>).map(([k, v]) => [k, Buffer.from(v)]),
        ),
      ),
      origin: { topic: raw.topic, partition: 2, offset: '41' },
      error: { class: 'DecodeError', message: 'bad', classification: 'malformed', attempts: 0, failedAt: '' },
    };
    expect(redriveMessage(stored)).toEqual({
      key: 'ext-1',
      value: raw.value,
      headers: {
        'event-type': 'ExternalOrderReceived',
        traceparent: '00-abc-def-01',
        'event-id': 'evt-1',
        'dlq-redriven-from': 'intake.external-orders.v1.dlq/2@7',
      },
    });
  });
});
