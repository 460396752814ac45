import { decodeMessage } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';
import type { CourierTopics } from './courier-topics';

/**
 * Contracts classify what arrives (headers, known type and version, schema); the consumer runner wants its own
 * shape. Prefixed topics are decoded under their catalogue names.
 */
export const inboundDecoder = (topics: CourierTopics): Decoder => (raw) => {
  const decoded = decodeMessage(topics.canonical(raw.topic), raw.headers, raw.value, raw.key);
  switch (decoded.status) {
    case 'ok':
      return { ok: true, type: decoded.message.type, payload: decoded.message.payload, id: decoded.message.envelope.eventId };
    case 'tombstone':
      return { ok: false, classification: 'unknown-type', reason: 'tombstone' };
    case 'unknown_type':
      return { ok: false, classification: 'unknown-type', reason: decoded.reason };
    default:
      return { ok: false, classification: decoded.status, reason: decoded.reason };
  }
};
