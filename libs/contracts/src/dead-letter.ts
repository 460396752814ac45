import type { JsonSchema } from './schema-kit';

/**
 * Headers a consumer adds when it moves a message to `<topic>.dlq` (architecture rule 5). The original key, value
 * and headers are kept as they were, so a redrive to the origin topic sends the very same message again.
 */
export const DLQ_HEADER = {
  originTopic: 'dlq-origin-topic',
  originPartition: 'dlq-origin-partition',
  originOffset: 'dlq-origin-offset',
  /** Why: `malformed`, `unknown_type`, `invalid` (sent at once) or `failed` (retries exhausted, or not retryable). */
  reason: 'dlq-reason',
  errorClass: 'dlq-error-class',
  errorMessage: 'dlq-error-message',
  attempts: 'dlq-attempts',
  consumerGroup: 'dlq-consumer-group',
  deadLetteredAt: 'dlq-dead-lettered-at',
} as const;

export type DeadLetterReason = 'malformed' | 'unknown_type' | 'invalid' | 'failed';
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = ['malformed', 'unknown_type', 'invalid', 'failed'];

export const DLQ_HEADERS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'The origin message\'s own headers, plus these, added when it was dead-lettered.',
  required: [DLQ_HEADER.originTopic, DLQ_HEADER.originPartition, DLQ_HEADER.originOffset, DLQ_HEADER.reason,
    DLQ_HEADER.errorClass, DLQ_HEADER.errorMessage, DLQ_HEADER.attempts],
  properties: {
    [DLQ_HEADER.originTopic]: { type: 'string', description: 'Topic the message was consumed from.' },
    [DLQ_HEADER.originPartition]: { type: 'string', pattern: '^[0-9]+$', description: 'Its partition.' },
    [DLQ_HEADER.originOffset]: { type: 'string', pattern: '^[0-9]+$', description: 'Its offset.' },
    [DLQ_HEADER.reason]: { type: 'string', enum: [...DEAD_LETTER_REASONS], description: 'Classification of the failure.' },
    [DLQ_HEADER.errorClass]: { type: 'string', description: 'Error class name (e.g. ContractViolation, DomainError).' },
    [DLQ_HEADER.errorMessage]: { type: 'string', description: 'Error message, with field paths for invalid payloads.' },
    [DLQ_HEADER.attempts]: { type: 'string', pattern: '^[0-9]+$', description: 'Handler attempts made (0 when never handled).' },
    [DLQ_HEADER.consumerGroup]: { type: 'string', description: 'Consumer group that gave up on it.' },
    [DLQ_HEADER.deadLetteredAt]: { type: 'string', format: 'date-time', description: 'When it was dead-lettered.' },
  },
};
