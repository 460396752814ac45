import { DLQ_HEADER, HEADER } from './headers';
import type { ErrorSummary } from './errors';
import type { PublishMessage } from './publisher';
import type { RawMessage } from './types';
import type { DeadLetterClassification } from '@orders/contracts';

export type { DeadLetterClassification };

export interface Failure {
  classification: DeadLetterClassification;
  error: ErrorSummary;
  /** Handler attempts made (0 when the message never reached the handler). */
  attempts: number;
}

const MAX_HEADER_TEXT = 2000;

/**
 * The dead letter of a message: its key, value and headers unchanged, plus where it came from and why it failed.
 * The inbox key becomes an `event-id` header when the original had none, so a redrive keeps deduplicating.
 */
export function deadLetterOf(raw: RawMessage, groupId: string, messageId: string, failure: Failure, failedAt: Date): PublishMessage {
  const headers: Record<string, string> = {
    ...raw.headers,
    [HEADER.eventId]: raw.headers[HEADER.eventId] || messageId,
    [DLQ_HEADER.originTopic]: raw.topic,
    [DLQ_HEADER.originPartition]: String(raw.partition),
    [DLQ_HEADER.originOffset]: raw.offset,
    [DLQ_HEADER.groupId]: groupId,
    [DLQ_HEADER.errorClass]: failure.error.class,
    [DLQ_HEADER.errorMessage]: failure.error.message.slice(0, MAX_HEADER_TEXT),
    [DLQ_HEADER.classification]: failure.classification,
    [DLQ_HEADER.attempts]: String(failure.attempts),
    [DLQ_HEADER.failedAt]: failedAt.toISOString(),
  };
  if (failure.error.code) headers[DLQ_HEADER.errorCode] = failure.error.code;
  return { key: raw.key, value: raw.value, headers };
}

/** A message the decoder refused: dead-lettered before any handler attempt. */
export function decodeFailure(classification: 'malformed' | 'invalid', reason: string): Failure {
  return { classification, error: { class: 'DecodeError', message: reason }, attempts: 0 };
}
