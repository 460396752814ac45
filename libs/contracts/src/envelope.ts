import type { JsonSchema } from './schema-kit';

/** Kafka header names every message carries (architecture.md, "Kafka topics"). */
export const HEADER = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  occurredAt: 'occurred-at',
  /** Always `application/json` for our payloads; optional on input. */
  contentType: 'content-type',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

export type HeaderName = (typeof HEADER)[keyof typeof HEADER];

/**
 * Headers a message must have to be understood at all; without one it is `malformed`. The others are optional for
 * upstream producers we do not control: a missing correlation id defaults to the event id (the message starts its
 * own conversation), a missing or invalid traceparent starts a new trace (W3C says to ignore an invalid one).
 */
export const REQUIRED_HEADERS: readonly HeaderName[] = [HEADER.eventId, HEADER.eventType, HEADER.schemaVersion, HEADER.occurredAt];

/** The envelope of one message, read from (or written to) its headers. */
export interface Envelope {
  /** Unique per message; consumers dedupe on it (inbox). Our relays use the stored event's id. */
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  /** The conversation this message belongs to (e.g. one order's flow across services). */
  readonly correlationId: string;
  /** The event id of the message or command that caused this one, when known. */
  readonly causationId: string | null;
  /** W3C trace context (`00-<trace-id>-<span-id>-<flags>`), when the producer traced. */
  readonly traceparent: string | null;
  /** When the fact happened at the source (RFC 3339). */
  readonly occurredAt: string;
}

/** What a producer supplies; `eventType` and `schemaVersion` come from the message definition. */
export type EnvelopeInput = Omit<Envelope, 'eventType' | 'schemaVersion' | 'correlationId' | 'causationId' | 'traceparent'> & {
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly traceparent?: string | null;
};

export const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';
const traceparentRegExp = new RegExp(TRACEPARENT_PATTERN);

export function isValidTraceparent(value: string): boolean {
  // All-zero trace or span ids are invalid per W3C Trace Context, and version ff is forbidden.
  return traceparentRegExp.test(value) && !value.startsWith('ff-')
    && value.slice(3, 35) !== '0'.repeat(32) && value.slice(36, 52) !== '0'.repeat(16);
}

/** JSON Schema of the headers (as strings, the way Kafka carries them); used by the decoder and in AsyncAPI. */
export const HEADERS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Kafka headers of every integration message (UTF-8 strings).',
  required: [...REQUIRED_HEADERS],
  properties: {
    [HEADER.eventId]: { type: 'string', minLength: 1, maxLength: 128, description: 'Unique message id; consumers deduplicate on it.' },
    [HEADER.eventType]: { type: 'string', minLength: 1, maxLength: 128, description: 'Message type name from the catalogue, e.g. ExternalOrderAccepted.' },
    [HEADER.schemaVersion]: { type: 'string', pattern: '^[1-9][0-9]{0,5}$', description: 'Version of the payload schema of that type (decimal integer).' },
    [HEADER.correlationId]: { type: 'string', minLength: 1, maxLength: 128, description: 'Conversation id; defaults to event-id when absent.' },
    [HEADER.causationId]: { type: 'string', minLength: 1, maxLength: 128, description: 'Event id of the cause, when known.' },
    [HEADER.traceparent]: { type: 'string', maxLength: 256, description: 'W3C trace context; ignored when invalid.' },
    [HEADER.occurredAt]: { type: 'string', format: 'date-time', description: 'When the fact happened at the source (RFC 3339).' },
    [HEADER.contentType]: { type: 'string', const: JSON_CONTENT_TYPE, description: 'Payload media type, when sent.' },
  },
};

/** The headers to send for an envelope. Absent optional values are left out rather than sent empty. */
export function envelopeHeaders(envelope: Envelope): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADER.eventId]: envelope.eventId,
    [HEADER.eventType]: envelope.eventType,
    [HEADER.schemaVersion]: String(envelope.schemaVersion),
    [HEADER.correlationId]: envelope.correlationId,
    [HEADER.occurredAt]: envelope.occurredAt,
    [HEADER.contentType]: JSON_CONTENT_TYPE,
  };
  if (envelope.causationId !== null) headers[HEADER.causationId] = envelope.causationId;
  if (envelope.traceparent !== null) headers[HEADER.traceparent] = envelope.traceparent;
  return headers;
}
