import fc from 'fast-check';
import { MESSAGES } from './catalogue';
import { decodeMessage } from './decode';
import { encodeMessage } from './encode';
import { HEADER } from './envelope';
import { TOPICS } from './topics';

const STATUSES = new Set(['ok', 'tombstone', 'malformed', 'unknown_type', 'invalid']);

const headerValue = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
  fc.array(fc.oneof(fc.string(), fc.constant('ExternalOrderAccepted')), { maxLength: 3 }),
);
const headers = fc.dictionary(fc.oneof(fc.constantFrom(...Object.values(HEADER)), fc.string()), headerValue, { maxKeys: 10 });
const topic = fc.oneof(fc.constantFrom(...TOPICS.map((entry) => entry.name)), fc.string());
const value = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue().map((json) => JSON.stringify(json)),
);

describe('decodeMessage (properties)', () => {
  it('classifies any input without throwing', () => {
    fc.assert(fc.property(topic, headers, value, fc.option(fc.string()), (anyTopic, anyHeaders, anyValue, key) => {
      const result = decodeMessage(anyTopic, anyHeaders, anyValue, key);
      expect(STATUSES.has(result.status)).toBe(true);
      if (result.status !== 'ok' && result.status !== 'tombstone') expect(result.reason.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });

  it('decodes what it encodes, for every message type, with any envelope', () => {
    const envelope = fc.record({
      eventId: fc.string({ minLength: 1, maxLength: 64 }),
      occurredAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString()),
      correlationId: fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.constantFrom(...MESSAGES), envelope, (definition, anyEnvelope) => {
      const encoded = encodeMessage(definition, definition.example, anyEnvelope);
      const result = decodeMessage(encoded.topic, encoded.headers, Buffer.from(encoded.value), encoded.key);
      if (result.status !== 'ok') throw new Error(`${definition.name}: ${result.status}`);
      expect(result.message.payload).toEqual(definition.example);
      expect(result.message.envelope.correlationId).toBe(anyEnvelope.correlationId ?? anyEnvelope.eventId);
    }), { numRuns: 200 });
  });
});
