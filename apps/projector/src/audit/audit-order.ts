import type { AuditEntry, OrderAudit } from '@orders/read-model-protocol';
import { foldSummary, summaryStatus } from '../projections/order-state';
import { causalOrder } from '../projections/timeline';
import { eventOfRow, JOURNAL_COLUMNS, type JournalRow } from '../storage/journal';
import type { ReadModelDb } from '../storage/read-model-db';

/**
 * The cross-service audit of one order: its timeline and its state as of a time, folded by the same pure function
 * the live projection uses, in the journal's commit order, from the events that had occurred by then.
 */
export async function auditOrder(db: ReadModelDb, orderId: string, asOf?: Date): Promise<OrderAudit> {
  const { rows } = await db.pool.query<JournalRow>(
    `SELECT ${JOURNAL_COLUMNS} FROM ${db.table('events')} j
      WHERE order_id = $1 AND ($2::timestamptz IS NULL OR occurred_at <= $2::timestamptz)
      ORDER BY j.transaction_id, j.position`, [orderId, asOf?.toISOString() ?? null]);
  const summary = foldSummary(rows.map(eventOfRow));
  const entries: AuditEntry[] = rows.map((row) => ({
    eventId: row.event_id, type: row.type, source: row.source, actor: row.actor,
    occurredAt: row.occurred_at.toISOString(),
    causationId: row.causation_id, correlationId: row.correlation_id, position: row.position,
    topic: row.topic, partition: row.kafka_partition, offset: row.kafka_offset, payload: row.payload,
  }));
  return {
    orderId, asOf: asOf?.toISOString() ?? null, timeline: causalOrder(entries) as AuditEntry[],
    state: summary?.state ?? null, status: summary ? summaryStatus(summary) : null, erased: summary?.erased ?? false,
  };
}
