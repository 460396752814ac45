import { HEADER } from './headers';
import type { Decoded, Decoder, RawMessage } from './types';

/** The default decoder: a JSON value whose type is the `event-type` header. */
export const jsonDecoder: Decoder = (raw: RawMessage): Decoded => {
  if (raw.value === null || raw.value.length === 0) return { ok: false, classification: 'malformed', reason: 'empty message value' };
  let payload: unknown;
  try {
    payload = JSON.parse(raw.value.toString('utf8'));
  } catch (error) {
    return { ok: false, classification: 'malformed', reason: `value is not JSON: ${(error as Error).message}` };
  }
  const type = raw.headers[HEADER.eventType];
  if (!type) return { ok: false, classification: 'invalid', reason: `missing ${HEADER.eventType} header` };
  return { ok: true, type, payload };
};

/** The inbox key: the producer's event id, else the message's own coordinates (stable across redeliveries). */
export function messageIdOf(raw: RawMessage, decoded?: { id?: string }): string {
  return raw.headers[HEADER.eventId] || decoded?.id || `${raw.topic}/${raw.partition}/${raw.offset}`;
}
