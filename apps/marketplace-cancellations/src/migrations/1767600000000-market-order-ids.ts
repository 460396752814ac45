import type { QueryRunner } from 'typeorm';
import { sqlMigration } from '@orders/service-kit';
import { platformOrderIdOf } from '../marketplace-orders/market-order-ids';

/**
 * market_order_ids: from the platform order id (intake's UUID, which deliveries carry) back to the Market order,
 * for policy P1; `parked_delivery` holds a finished delivery of an order Market has not told us of yet. Filled for
 * the orders already known (the hash cannot be computed in SQL with the same bytes guaranteed, so here in code).
 */
export const MarketOrderIds1767600000000 = sqlMigration('MarketOrderIds1767600000000', {
  up: [
    `
      CREATE TABLE market_order_ids (
        platform_order_id uuid PRIMARY KEY,
        campaign_id text,
        order_id text,
        parked_delivery jsonb,
        CHECK ((campaign_id IS NULL) = (order_id IS NULL))
      )`,
    fillKnownOrders,
  ],
  down: [`DROP TABLE IF EXISTS market_order_ids`],
});

async function fillKnownOrders(runner: QueryRunner): Promise<void> {
  const known: { campaign_id: string; order_id: string }[] = await runner.query(
    `SELECT campaign_id, order_id FROM market_notifications UNION SELECT campaign_id, order_id FROM marketplace_orders`);
  if (known.length === 0) return;
  await runner.query(
    `INSERT INTO market_order_ids (platform_order_id, campaign_id, order_id) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
    [known.map((k) => platformOrderIdOf({ campaignId: k.campaign_id, orderId: k.order_id })), known.map((k) => k.campaign_id), known.map((k) => k.order_id)],
  );
}
