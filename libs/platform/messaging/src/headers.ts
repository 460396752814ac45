import type { IHeaders } from 'kafkajs';

/** The headers every integration message carries (architecture.md). */
export const HEADER = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  occurredAt: 'occurred-at',
  contentType: 'content-type',
} as const;

/** Added to a dead letter; stripped again when it is redriven. */
export const DLQ_HEADER = {
  originTopic: 'dlq-origin-topic',
  originPartition: 'dlq-origin-partition',
  originOffset: 'dlq-origin-offset',
  groupId: 'dlq-group-id',
  errorClass: 'dlq-error-class',
  errorMessage: 'dlq-error-message',
  errorCode: 'dlq-error-code',
  classification: 'dlq-classification',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
  redrivenFrom: 'dlq-redriven-from',
} as const;

export const DLQ_HEADER_PREFIX = 'dlq-';

/** kafkajs hands headers as Buffers (or arrays of them when repeated); the last value of a repeated one wins. */
export function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}
