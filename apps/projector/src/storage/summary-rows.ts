import type { PoolClient } from 'pg';
import { summaryStatus, type OrderSummary } from '../projections/order-state';

type Queryable = Pick<PoolClient, 'query'>;

export async function loadSummaries(client: Queryable, table: string, orderIds: readonly string[]): Promise<Map<string, OrderSummary>> {
  if (orderIds.length === 0) return new Map();
  const { rows } = await client.query<{ order_id: string; erased: boolean; state: OrderSummary['state'] }>(
    `SELECT order_id, erased, state FROM ${table} WHERE order_id = ANY($1::text[])`, [orderIds]);
  return new Map(rows.map((row) => [row.order_id, { state: row.state, erased: row.erased }]));
}

/** Writes summaries in one statement (a batch of a rebuild, or the one order of a live event). */
export async function upsertSummaries(client: Queryable, table: string, summaries: readonly OrderSummary[]): Promise<void> {
  if (summaries.length === 0) return;
  const rows = summaries.map((s) => ({
    order_id: s.state.orderId, tenant_id: s.state.tenantId, status: summaryStatus(s), version: s.state.version, erased: s.erased,
    updated_at: s.state.updatedAt, state: s.state,
  }));
  await client.query(
    `INSERT INTO ${table} (order_id, tenant_id, status, version, erased, updated_at, state)
     SELECT order_id, tenant_id, status, version, erased, updated_at, state
       FROM json_to_recordset($1::json) AS r(order_id text, tenant_id text, status text, version integer, erased boolean, updated_at timestamptz, state jsonb)
     ON CONFLICT (order_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, status = EXCLUDED.status, version = EXCLUDED.version,
       erased = EXCLUDED.erased, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state`,
    [JSON.stringify(rows)],
  );
}
