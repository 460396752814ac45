import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * market_order_ids.parked_at: when a delivery was parked on a platform id no Market order had claimed, so that rows
 * never claimed (deliveries of companies that only look like campaigns) can be pruned after a retention. The index
 * holds only unclaimed rows, which is all the pruner reads. Rows parked before this migration have no known time:
 * they are dated now, so they get the whole retention from here rather than being taken at once.
 */
export class ParkedDeliveryAge1767700000000 implements MigrationInterface {
  name = 'ParkedDeliveryAge1767700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE market_order_ids ADD COLUMN parked_at timestamptz`);
    await runner.query(`UPDATE market_order_ids SET parked_at = now() WHERE campaign_id IS NULL`);
    await runner.query(`CREATE INDEX market_order_ids_unclaimed ON market_order_ids (parked_at) WHERE campaign_id IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS market_order_ids_unclaimed`);
    await runner.query(`ALTER TABLE market_order_ids DROP COLUMN IF EXISTS parked_at`);
  }
}
