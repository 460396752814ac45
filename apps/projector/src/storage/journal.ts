import type { PoolClient } from 'pg';
import type { IntegrationEvent } from '../projections/integration-event';
import { actorOf, sourceOf } from '../projections/timeline';

type Queryable = Pick<PoolClient, 'query'>;

/** Where a journal row came from in Kafka (the timeline shows it; replays and audits can point at it). */
export interface KafkaOrigin {
  readonly partition: number;
  readonly offset: string;
}

export interface JournalRow {
  position: string;
  transaction_id: string;
  event_id: string;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  type: string;
  schema_version: number;
  order_id: string;
  tenant_id: string;
  occurred_at: Date;
  correlation_id: string;
  causation_id: string | null;
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

/** Appends one consumed event to the journal (the timeline); actor and source are extracted once, here. */
export async function insertJournal(client: Queryable, table: string, event: IntegrationEvent, origin: KafkaOrigin): Promise<void> {
  await client.query(
    `INSERT INTO ${table} (event_id, topic, kafka_partition, kafka_offset, type, schema_version, order_id, tenant_id, occurred_at,
       correlation_id, causation_id, source, actor, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [event.eventId, event.topic, origin.partition, origin.offset, event.type, event.schemaVersion, event.orderId, event.tenantId,
      event.occurredAt, event.correlationId, event.causationId, sourceOf(event), actorOf(event), JSON.stringify(event.payload)],
  );
}
