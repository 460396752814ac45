import { DLQ_HEADER, HEADER } from './headers';
import type { ErrorSummary } from './errors';
import type { PublishMessage } from './publisher';
import type { IHeaders } from 'kafkajs';
import type { Classification as DecodeClassification, RawMessage } from './types';
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
  // The headers as they arrived (bytes and repeats kept): a hostile message's dead letter shows what was sent.
  const headers: NonNullable<PublishMessage['headers']> = {
    ...(raw.rawHeaders ? definedHeaders(raw.rawHeaders) : raw.headers),
    ...(raw.headers[HEADER.eventId] || raw.rawHeaders?.[HEADER.eventId] !== undefined ? {} : { [HEADER.eventId]: messageId }),
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

function definedHeaders(headers: IHeaders): NonNullable<PublishMessage['headers']> {
  const out: NonNullable<PublishMessage['headers']> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** A message the decoder (or the envelope guard) refused: dead-lettered before any handler attempt. */
export function decodeFailure(classification: Exclude<DecodeClassification, 'ignored'>, reason: string): Failure {
  return { classification, error: { class: 'DecodeError', message: reason }, attempts: 0 };
}
