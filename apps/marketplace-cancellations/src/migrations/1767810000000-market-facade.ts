import { sqlMigration } from '@orders/service-kit';

/**
 * What the Market-shaped routes need beyond status and version:
 * - marketplace_orders: `known_since` (the earliest Market event time we hold of the order: the creation date's
 *   stand-in until Market's order is read), `creation_date` and `notified_items` (from ORDER_CREATED), `market_order`
 *   (Market's OrderDTO as its API returned it, personal data removed) and `details_as_of`. Rows projected before this
 *   migration get `known_since` from their status time; the rest fill as events come (or on a rebuild).
 * - in_flight_requests.resource: Market's parallel limits are per method (GET orders 6, the decision 4).
 */
export const MarketFacade1767810000000 = sqlMigration('MarketFacade1767810000000', {
  up: [
    `ALTER TABLE marketplace_orders
       ADD COLUMN known_since timestamptz,
       ADD COLUMN creation_date timestamptz,
       ADD COLUMN notified_items jsonb,
       ADD COLUMN market_order jsonb,
       ADD COLUMN details_as_of timestamptz`,
    `UPDATE marketplace_orders SET known_since = coalesce(status_updated_at, updated_at)`,
    `ALTER TABLE in_flight_requests ADD COLUMN resource text NOT NULL DEFAULT ''`,
    `DROP INDEX IF EXISTS in_flight_requests_campaign`,
    `CREATE INDEX in_flight_requests_campaign ON in_flight_requests (campaign_id, resource, expires_at)`,
  ],
  down: [
    `DROP INDEX IF EXISTS in_flight_requests_campaign`,
    `ALTER TABLE in_flight_requests DROP COLUMN IF EXISTS resource`,
    `CREATE INDEX in_flight_requests_campaign ON in_flight_requests (campaign_id, expires_at)`,
    `ALTER TABLE marketplace_orders DROP COLUMN known_since, DROP COLUMN creation_date, DROP COLUMN notified_items,
       DROP COLUMN market_order, DROP COLUMN details_as_of`,
  ],
});
