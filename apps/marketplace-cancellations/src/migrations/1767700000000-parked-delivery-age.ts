import { sqlMigration } from '@orders/service-kit';

/**
 * market_order_ids.parked_at: when a delivery was parked on a platform id no Market order had claimed, so that rows
 * never claimed (deliveries of companies that only look like campaigns) can be pruned after a retention. The index
 * holds only unclaimed rows, which is all the pruner reads. Rows parked before this migration have no known time:
 * they are dated now, so they get the whole retention from here rather than being taken at once.
 */
export const ParkedDeliveryAge1767700000000 = sqlMigration('ParkedDeliveryAge1767700000000', {
  up: [
    `ALTER TABLE market_order_ids ADD COLUMN parked_at timestamptz`,
    `UPDATE market_order_ids SET parked_at = now() WHERE campaign_id IS NULL`,
    `CREATE INDEX market_order_ids_unclaimed ON market_order_ids (parked_at) WHERE campaign_id IS NULL`,
  ],
  down: [
    `DROP INDEX IF EXISTS market_order_ids_unclaimed`,
    `ALTER TABLE market_order_ids DROP COLUMN IF EXISTS parked_at`,
  ],
});
