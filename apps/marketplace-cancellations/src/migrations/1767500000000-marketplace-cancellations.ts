import { sqlMigration } from '@orders/service-kit';

/**
 * The service's own tables beside the event store (which migrates its schema itself):
 * - market_notifications: the inbox of Market notifications (HTTP and Kafka), stored before answering, processed
 *   by a worker; the primary key deduplicates (INV-M9);
 * - cancellation_timers: the schedule of deadlines (architecture rule 6), claimed with FOR UPDATE SKIP LOCKED;
 * - rate_limit_windows / in_flight_requests: Market's per-campaign limits, shared by every instance;
 * - marketplace_orders / cancellation_requests: the read model (queue per campaign, decision history).
 */
export const MarketplaceCancellations1767500000000 = sqlMigration('MarketplaceCancellations1767500000000', {
  up: [
    `
      CREATE TABLE market_notifications (
        notification_key text PRIMARY KEY,
        seq bigserial NOT NULL,
        notification_type text NOT NULL,
        campaign_id text NOT NULL,
        order_id text NOT NULL,
        event_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        channel text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        processed_at timestamptz,
        outcome text,
        error_code text,
        error_message text
      )`,
    `CREATE INDEX market_notifications_pending ON market_notifications (seq) WHERE processed_at IS NULL`,
    `
      CREATE TABLE cancellation_timers (
        request_id text PRIMARY KEY,
        campaign_id text NOT NULL,
        order_id text NOT NULL,
        due_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'SCHEDULED' CHECK (state IN ('SCHEDULED', 'FIRED', 'CANCELLED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        fired_at timestamptz,
        last_error text
      )`,
    `CREATE INDEX cancellation_timers_due ON cancellation_timers (due_at) WHERE state = 'SCHEDULED'`,
    `
      CREATE TABLE rate_limit_windows (
        campaign_id text NOT NULL,
        resource text NOT NULL,
        window_start timestamptz NOT NULL,
        used integer NOT NULL,
        PRIMARY KEY (campaign_id, resource, window_start)
      )`,
    `
      CREATE TABLE in_flight_requests (
        token uuid PRIMARY KEY,
        campaign_id text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    `CREATE INDEX in_flight_requests_campaign ON in_flight_requests (campaign_id, expires_at)`,
    `
      CREATE TABLE marketplace_orders (
        campaign_id text NOT NULL,
        order_id text NOT NULL,
        status text NOT NULL,
        market_status text,
        substatus text,
        payment_type text,
        status_updated_at timestamptz,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (campaign_id, order_id)
      )`,
    `
      CREATE TABLE cancellation_requests (
        request_id text PRIMARY KEY,
        campaign_id text NOT NULL,
        order_id text NOT NULL,
        requested_at timestamptz NOT NULL,
        deadline_at timestamptz NOT NULL,
        order_status_at_request text NOT NULL,
        buyer_substatus text,
        state text NOT NULL,
        reason text,
        decided_by text,
        decided_at timestamptz
      )`,
    `CREATE INDEX cancellation_requests_queue ON cancellation_requests (campaign_id, deadline_at, order_id) WHERE state = 'PENDING'`,
    `CREATE INDEX cancellation_requests_history ON cancellation_requests (campaign_id, decided_at DESC) WHERE state <> 'PENDING'`,
  ],
  down: ['cancellation_requests', 'marketplace_orders', 'in_flight_requests', 'rate_limit_windows', 'cancellation_timers', 'market_notifications']
    .map((table) => `DROP TABLE IF EXISTS ${table}`),
});
