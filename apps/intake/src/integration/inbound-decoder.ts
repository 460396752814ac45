import { decodeMessage } from '@orders/contracts';
import type { Decoded, Decoder, RawMessage } from '@orders/messaging';
import type { IntakeTopics } from './intake-topics';

/**
 * Judges consumed messages by the catalogue (headers, JSON, type and version, schema) and tells the runner what
 * to do: hand it over, dead-letter it (malformed, invalid) or skip it (a type of the topic intake does not handle).
 */
export function inboundDecoder(topics: IntakeTopics): Decoder {
  return (raw: RawMessage): Decoded => {
    const result = decodeMessage(topics.canonical(raw.topic), raw.headers, raw.value, raw.key);
    switch (result.status) {
      case 'ok':
        return { ok: true, type: result.message.type, payload: result.message.payload, id: result.message.envelope.eventId };
      case 'tombstone':
        return { ok: false, classification: 'unknown-type', reason: 'tombstone' };
      case 'unknown_type':
        return { ok: false, classification: 'unknown-type', reason: result.reason };
      default:
        return { ok: false, classification: result.status, reason: result.reason };
    }
  };
}
