import { syntheticHistory } from '../src/projections/history';
import type { Pool } from 'pg';

const ORDERS_PER_CHUNK = 5000;

/**
 * Fills a read-model journal with about `events` synthetic cross-service events (whole orders), in chunks, as
 * the projector's consumer would have written them (tests and the benchmark). Returns the exact number written.
 */
export async function seedJournal(pool: Pool, schema: string, events: number, ordersPerChunk = ORDERS_PER_CHUNK): Promise<number> {
  let written = 0;
  for (let chunk = 0; written < events; chunk += 1) {
    const history = syntheticHistory(ordersPerChunk, { prefix: `b${chunk}`, start: Date.UTC(2026, 0, 1) + chunk * 86_400_000 });
    const batch = history.slice(0, events - written);
    // Cut at an order boundary only when the total is reached: the tail order may be partial, which a fold accepts.
    const rows = batch.map((e, i) => ({
      event_id: e.eventId, topic: e.topic, offset: written + i, type: e.type, order_id: e.orderId, tenant_id: e.tenantId,
      occurred_at: e.occurredAt, correlation_id: e.correlationId, causation_id: e.causationId, payload: e.payload,
    }));
    for (let i = 0; i < rows.length; i += 5000) {
      await pool.query(
        `INSERT INTO "${schema}".events (event_id, topic, kafka_partition, kafka_offset, type, schema_version, order_id, tenant_id, occurred_at,
           correlation_id, causation_id, source, actor, payload)
         SELECT event_id, topic, 0, "offset", type, 1, order_id, tenant_id, occurred_at, correlation_id, causation_id, 'bench', 'bench', payload
           FROM json_to_recordset($1::json) AS r(event_id text, topic text, "offset" bigint, type text, order_id text, tenant_id text,
             occurred_at timestamptz, correlation_id text, causation_id text, payload jsonb)`,
        [JSON.stringify(rows.slice(i, i + 5000))],
      );
    }
    written += batch.length;
  }
  return written;
}
