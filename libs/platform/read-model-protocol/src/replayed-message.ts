import { HEADER } from '@orders/contracts';

/** The journal columns a replay sends (the projector's `events` table, ids as text). */
export interface ReplayableJournalRow {
  event_id: string;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  type: string;
  schema_version: number;
  order_id: string;
  occurred_at: Date;
  correlation_id: string;
  causation_id: string | null;
  payload: unknown;
}

/** How many journal rows one produce request carries. */
export const REPLAY_BATCH = 500;

/**
 * A journal row as the Kafka message it was: its original key, payload and envelope (the event id is the original,
 * so consumers' inboxes recognise what they already applied), plus where the replay took it from.
 */
export function replayedMessage(row: ReplayableJournalRow, replayedBy: string) {
  return {
    key: row.order_id,
    value: JSON.stringify(row.payload),
    headers: {
      [HEADER.eventId]: row.event_id,
      [HEADER.eventType]: row.type,
      [HEADER.schemaVersion]: String(row.schema_version),
      [HEADER.correlationId]: row.correlation_id,
      ...(row.causation_id ? { [HEADER.causationId]: row.causation_id } : {}),
      [HEADER.occurredAt]: row.occurred_at.toISOString(),
      'replayed-by': replayedBy,
      'replayed-from': `${row.topic}/${row.kafka_partition}@${row.kafka_offset}`,
    },
  };
}
