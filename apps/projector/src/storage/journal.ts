import type { PoolClient } from 'pg';
import type { ReplayableJournalRow } from '@orders/read-model-protocol';
import type { IntegrationEvent } from '../projections/integration-event';
import { actorOf, sourceOf } from '../projections/timeline';

type Queryable = Pick<PoolClient, 'query'>;

/** Where a journal row came from in Kafka (the timeline shows it; replays and audits can point at it). */
export interface KafkaOrigin {
  readonly partition: number;
  readonly offset: string;
}

/** A row of the journal (the projector's `events` table): what a replay sends, and where and by whom it was made. */
export interface JournalRow extends ReplayableJournalRow {
  position: string;
  transaction_id: string;
  tenant_id: string;
  source: string;
  actor: string;
  payload: Record<string, unknown>;
}

/**
 * The journal's columns as the code reads them (ids as text). Queries order by the table's columns qualified
 * (`j.transaction_id, j.position`): unqualified, ORDER BY would pick these text aliases and sort "10" before "9".
 */
export const JOURNAL_COLUMNS = `position::text, transaction_id::text, event_id, topic, kafka_partition, kafka_offset::text, type,
  schema_version, order_id, tenant_id, occurred_at, correlation_id, causation_id, source, actor, payload`;

export function eventOfRow(row: JournalRow): IntegrationEvent {
  return {
    eventId: row.event_id, type: row.type, schemaVersion: row.schema_version, topic: row.topic, orderId: row.order_id,
    tenantId: row.tenant_id, occurredAt: row.occurred_at.toISOString(), correlationId: row.correlation_id,
    causationId: row.causation_id, payload: row.payload,
  };
}

/** A consumed event with where it came from: one journal row. */
export interface JournalEntry {
  readonly event: IntegrationEvent;
  readonly origin: KafkaOrigin;
}

/**
 * Appends consumed events to the journal (the timeline) in one statement, positions in the given order (a rebuild
 * folds the journal in transaction and position order, so it must be the order they were applied in). Actor and
 * source are extracted once, here.
 */
export async function insertJournal(client: Queryable, table: string, entries: readonly JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(({ event, origin }) => ({
    event_id: event.eventId, topic: event.topic, kafka_partition: origin.partition, kafka_offset: origin.offset, type: event.type,
    schema_version: event.schemaVersion, order_id: event.orderId, tenant_id: event.tenantId, occurred_at: event.occurredAt,
    correlation_id: event.correlationId, causation_id: event.causationId, source: sourceOf(event), actor: actorOf(event), payload: event.payload,
  }));
  await client.query(
    `INSERT INTO ${table} (event_id, topic, kafka_partition, kafka_offset, type, schema_version, order_id, tenant_id, occurred_at,
       correlation_id, causation_id, source, actor, payload)
     SELECT event_id, topic, kafka_partition, kafka_offset, type, schema_version, order_id, tenant_id, occurred_at,
       correlation_id, causation_id, source, actor, payload
       FROM ROWS FROM (json_to_recordset($1::json) AS (event_id text, topic text, kafka_partition integer, kafka_offset bigint,
         type text, schema_version integer, order_id text, tenant_id text, occurred_at timestamptz, correlation_id text,
         causation_id text, source text, actor text, payload jsonb)) WITH ORDINALITY AS r
      ORDER BY r.ordinality`,
    [JSON.stringify(rows)],
  );
}
