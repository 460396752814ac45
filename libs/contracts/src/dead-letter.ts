import type { JsonSchema } from './schema-kit';

/**
 * Headers the consumer runner (`@orders/messaging`) adds when it moves a message to `<topic>.dlq` (architecture
 * rule 5); the same names as there, so the AsyncAPI document describes what is really on the DLQ topics. The
 * original key, value and headers are kept, so a redrive to the origin topic sends the very same message again.
 */
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

/**
 * `malformed` and `invalid` are dead-lettered at once, `unknown-type` and `unknown-version` too (parked until a
 * consumer that knows them redrives them); handler failures after retries or when not retryable.
 */
export const DEAD_LETTER_CLASSIFICATIONS = [
  'malformed', 'invalid', 'unknown-type', 'unknown-version', 'non-retryable', 'retries-exhausted',
] as const;
export type DeadLetterClassification = (typeof DEAD_LETTER_CLASSIFICATIONS)[number];

const digits = (description: string): JsonSchema => ({ type: 'string', pattern: '^[0-9]+$', description });
const string = (description: string): JsonSchema => ({ type: 'string', description });

export const DLQ_HEADERS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'The origin message\'s own headers, plus these, added when it was dead-lettered.',
  required: [DLQ_HEADER.originTopic, DLQ_HEADER.originPartition, DLQ_HEADER.originOffset, DLQ_HEADER.groupId,
    DLQ_HEADER.errorClass, DLQ_HEADER.errorMessage, DLQ_HEADER.classification, DLQ_HEADER.attempts, DLQ_HEADER.failedAt],
  properties: {
    [DLQ_HEADER.originTopic]: string('Topic the message was consumed from.'),
    [DLQ_HEADER.originPartition]: digits('Its partition.'),
    [DLQ_HEADER.originOffset]: digits('Its offset.'),
    [DLQ_HEADER.groupId]: string('Consumer group that gave up on it.'),
    [DLQ_HEADER.errorClass]: string('Error class name (DecodeError for malformed and invalid messages).'),
    [DLQ_HEADER.errorMessage]: string('Error message; names the fields for invalid payloads.'),
    [DLQ_HEADER.errorCode]: string('The error\'s code, when it has one (e.g. a domain rule\'s code).'),
    [DLQ_HEADER.classification]: { type: 'string', enum: [...DEAD_LETTER_CLASSIFICATIONS], description: 'Why it was dead-lettered.' },
    [DLQ_HEADER.attempts]: digits('Handler attempts made (0 when it never reached the handler).'),
    [DLQ_HEADER.failedAt]: { type: 'string', format: 'date-time', description: 'When it was dead-lettered.' },
  },
};
