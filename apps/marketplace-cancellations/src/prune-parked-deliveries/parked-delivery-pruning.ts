import type { Pool } from 'pg';
import { parkedDeliveriesPruned } from '../marketplace-cancellations.metrics';

/**
 * How long a parked delivery waits for a Market order to claim it: 35 days. A delivery is parked when it finishes
 * before any notification about its order was stored; the first one stored claims the row (rememberMarketOrderSql),
 * whether or not it is ever processed. So the row must outlive every way that first notification can still arrive:
 * - Market's own HTTP retries, and the marketplace.notifications.v1 topic re-read (kept 7 days in the catalogue);
 * - a dead-letter redrive of the notification, as long as its DLQ keeps it (30 days), the longest of them.
 * Past that, a claim would only matter to a cancellation request, which Market raises while the order is in
 * DELIVERY or PICKUP, not a month after it was delivered. The days of slack over 30 cover a clock or schedule that
 * is off, as the messaging inbox's 35 days do. A row never claimed is a delivery of a company whose numeric id is
 * not a campaign: nothing will ever read it.
 */
export const DEFAULT_PARKED_DELIVERY_RETENTION_DAYS = 35;
const DEFAULT_BATCH_SIZE = 1000;


interface PruneParkedDeliveriesOptions {
  pool: Pool;
  /** The service's clock: parked_at was written with it. */
  now: Date;
  retentionMs: number;
  /** Rows per DELETE, each its own short transaction (default 1000). */
  batchSize?: number;
  /** Stop after this many statements (default: until nothing is left to prune). */
  maxBatches?: number;
  /** Checked between statements: a stopping service does not wait for a long backlog. */
  signal?: AbortSignal;
}

/**
 * Deletes the market_order_ids rows that no Market order claimed (campaign_id IS NULL: only a parked delivery) and
 * that were parked before now − retention, oldest first, and returns how many went. A claimed row is never touched,
 * even with its parked delivery still waiting for the order's request. Each batch is one autocommit DELETE found
 * through the partial index and locked with SKIP LOCKED, so it never waits on (or blocks) a delivery being parked or
 * a notification claiming the row; a row skipped now is looked at again by the next run.
 */
export async function pruneParkedDeliveries(options: PruneParkedDeliveriesOptions): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(options.retentionMs > 0) || !(batchSize >= 1)) throw new Error('pruneParkedDeliveries: retentionMs > 0 and batchSize >= 1');
  const cutoff = new Date(options.now.getTime() - options.retentionMs);
  const sql = `DELETE FROM market_order_ids WHERE platform_order_id IN (
      SELECT platform_order_id FROM market_order_ids WHERE campaign_id IS NULL AND parked_at < $1
      ORDER BY parked_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;
  let total = 0;
  for (let batches = 0; batches < (options.maxBatches ?? Infinity) && !options.signal?.aborted; batches++) {
    const { rowCount } = await options.pool.query(sql, [cutoff, batchSize]);
    const deleted = rowCount ?? 0;
    total += deleted;
    if (deleted > 0) parkedDeliveriesPruned.inc(deleted);
    if (deleted < batchSize) break;
  }
  return total;
}
