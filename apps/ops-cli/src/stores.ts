import { Pool } from 'pg';
import { marketOrderIntakeId } from '@orders/contracts';
import type { StoreTarget } from './targets';

/**
 * Read-only SQL on a service's database. The CLI reads the event stores' tables directly (rather than through
 * `EventStore`) where it needs what the store API does not hand out: metadata of many streams at once, the
 * subscriptions table, the head of the log.
 */
export function openPool(connection: string): Pool {
  return new Pool({ connectionString: connection, max: 2, application_name: 'ops-cli' });
}

export async function withPool<T>(connection: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = openPool(connection);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export const quoted = (schema: string): string => `"${schema.replace(/"/g, '""')}"`;

/** 42P01 undefined table, 3F000 undefined schema: the service never ran against this database and schema. */
export const isMissingRelation = (error: unknown): boolean => ['42P01', '3F000'].includes((error as { code?: string }).code ?? '');

/**
 * The streams of one platform order in one store. Each service names its streams after the order in its own way
 * (intake `external_order-<id>`, courier-tracking `delivery-<id>`, marketplace-cancellations
 * `marketplace_order-<campaign>-<market order>`, whose platform id is a hash); a stream that merely ends with
 * `-<id>` counts too, so a service added later is found without a change here.
 */
export async function streamsOfOrder(pool: Pool, target: StoreTarget, orderId: string): Promise<string[]> {
  const s = quoted(target.schema);
  const { rows } = await pool.query<{ stream_id: string }>(
    `SELECT stream_id FROM ${s}.streams WHERE right(lower(stream_id), length($1) + 1) = '-' || lower($1) ORDER BY stream_id`, [orderId]);
  const found = new Set(rows.map((r) => r.stream_id));
  for (const id of await marketplaceStreams(pool, target, orderId)) found.add(id);
  return [...found];
}

const MARKET_STREAM = /^marketplace_order-(\d+)-(\d+)$/;

/**
 * A Market order's stream is named by Market's ids; the platform id is their hash. marketplace-cancellations keeps
 * the way back in `market_order_ids`; without that table (another database, a restored store) every marketplace
 * stream's hash is compared, which is slower but needs nothing but the store.
 */
async function marketplaceStreams(pool: Pool, target: StoreTarget, orderId: string): Promise<string[]> {
  const s = quoted(target.schema);
  try {
    const { rows } = await pool.query<{ stream_id: string }>(
      `SELECT 'marketplace_order-' || campaign_id || '-' || order_id AS stream_id FROM market_order_ids
        WHERE platform_order_id::text = lower($1) AND campaign_id IS NOT NULL`, [orderId]);
    if (rows.length > 0) return rows.map((r) => r.stream_id);
  } catch (error) {
    if (!isMissingRelation(error) && (error as { code?: string }).code !== '22P02') throw error;
  }
  const { rows } = await pool.query<{ stream_id: string }>(`SELECT stream_id FROM ${s}.streams WHERE stream_type = 'marketplace_order'`);
  return rows.map((r) => r.stream_id).filter((id) => {
    const match = MARKET_STREAM.exec(id);
    return match !== null && marketOrderIntakeId(match[1] as string, match[2] as string) === orderId.toLowerCase();
  });
}
