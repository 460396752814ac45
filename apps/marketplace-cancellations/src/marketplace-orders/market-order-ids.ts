import { marketOrderIntakeId } from '@orders/contracts';
import type { Pool, PoolClient } from 'pg';
import type { OrderRef } from './order-ref';

type Db = Pool | PoolClient;

/** A DeliveryFinished that came before Market told us of its order, kept until the order's first request. */
export interface ParkedDelivery {
  readonly finishedAt: string;
  readonly messageId: string;
}

/**
 * The platform order id of a Market order: intake's id of it (source `market` of the campaign), which its delivery
 * carries too. A hash, so the way back, from a delivery to the Market order, is the table `market_order_ids`: one
 * row per platform id, written when a notification about the order is stored (before any of its events can exist)
 * or when its delivery finishes first. Both writers upsert the same row, so they are serialised by its lock: a
 * delivery either finds the Market order or is parked where the order's first request will find it.
 */
export const platformOrderIdOf = (ref: OrderRef): string => marketOrderIntakeId(ref.campaignId, ref.orderId);

/**
 * The upsert that remembers a Market order's ids, with each stored notification, to run in the same statement as
 * its INSERT (one round trip on Market's clock). `$n` placeholders name the platform id, campaign and order
 * parameters. A row that already names the order is left alone; a parked delivery stays for the worker.
 */
export const rememberMarketOrderSql = (platformId: string, campaignId: string, orderId: string): string =>
  rememberMarketOrdersSql(`VALUES (${platformId}, ${campaignId}, ${orderId})`);

/**
 * The same upsert for several orders: `rows` is a VALUES list or a SELECT of (platform id, campaign, order), each
 * platform id at most once (one statement cannot update a row twice).
 */
export const rememberMarketOrdersSql = (rows: string): string =>
  `INSERT INTO market_order_ids (platform_order_id, campaign_id, order_id) ${rows}
   ON CONFLICT (platform_order_id) DO UPDATE SET campaign_id = excluded.campaign_id, order_id = excluded.order_id
   WHERE market_order_ids.campaign_id IS NULL`;

/**
 * The Market order whose delivery finished, or undefined after parking the delivery on the platform id (no
 * notification about the order stored yet, or not a Market order at all). One statement, in the caller's transaction.
 * `parkedAt` dates an unclaimed row (a later delivery of the same id dates it again): the pruner's age.
 */
export async function marketOrderOfFinishedDelivery(db: Db, platformOrderId: string, delivery: ParkedDelivery, parkedAt: Date): Promise<OrderRef | undefined> {
  const { rows } = await db.query<{ campaign_id: string | null; order_id: string | null }>(
    `INSERT INTO market_order_ids (platform_order_id, parked_delivery, parked_at) VALUES ($1, $2, $3)
     ON CONFLICT (platform_order_id) DO UPDATE SET
       parked_delivery = CASE WHEN market_order_ids.campaign_id IS NULL THEN excluded.parked_delivery ELSE market_order_ids.parked_delivery END,
       parked_at = CASE WHEN market_order_ids.campaign_id IS NULL THEN excluded.parked_at ELSE market_order_ids.parked_at END
     RETURNING campaign_id, order_id`,
    [platformOrderId.toLowerCase(), JSON.stringify(delivery), parkedAt],
  );
  const row = rows[0];
  return row?.campaign_id && row.order_id ? { campaignId: row.campaign_id, orderId: row.order_id } : undefined;
}

/** A delivery parked for the order, if any. */
export async function parkedDeliveryOf(db: Db, ref: OrderRef): Promise<ParkedDelivery | undefined> {
  const { rows } = await db.query<{ parked_delivery: ParkedDelivery | null }>(
    `SELECT parked_delivery FROM market_order_ids WHERE platform_order_id = $1`, [platformOrderIdOf(ref)]);
  return rows[0]?.parked_delivery ?? undefined;
}

/** Once the delivery is a fact on the order's stream. */
export async function clearParkedDelivery(db: Db, ref: OrderRef): Promise<void> {
  await db.query(`UPDATE market_order_ids SET parked_delivery = NULL WHERE platform_order_id = $1`, [platformOrderIdOf(ref)]);
}
