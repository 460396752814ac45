import { sqlMigration } from '@orders/service-kit';

/**
 * The connector's outbox (issue 15): calls to Market's API that the event log asks for, written in the transaction of
 * the events that ask (the shop's decision → PUT cancellation/accept; a new order → GET order), sent by the outbox
 * worker. One row per call and cause (`cause_id`: the request id, or the order's first notification), so a command
 * replayed or retried never asks twice. `decided_at` is the event's time, from which delivery latency is measured.
 */
export const MarketOutbox1767900000000 = sqlMigration('MarketOutbox1767900000000', {
  up: [
    `
      CREATE TABLE market_outbox (
        id bigserial PRIMARY KEY,
        operation text NOT NULL CHECK (operation IN ('acceptOrderCancellation', 'getOrder')),
        campaign_id text NOT NULL,
        order_id text NOT NULL,
        cause_id text NOT NULL,
        body jsonb,
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT', 'REFUSED')),
        decided_at timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_status integer,
        last_error text,
        sent_at timestamptz,
        UNIQUE (operation, campaign_id, order_id, cause_id)
      )`,
    `CREATE INDEX market_outbox_due ON market_outbox (next_attempt_at, id) WHERE state = 'PENDING'`,
  ],
  down: [`DROP TABLE IF EXISTS market_outbox`],
});
