import { sqlMigration } from '@orders/service-kit';

/**
 * The cancellation page's live stream (issue 17): a NOTIFY on `marketplace_queue_changes` whenever what the page shows
 * of a campaign changes: a request (new, decided, closed), its order (status, version: the If-Match of the decision),
 * or a call to Market (written, answered, rescheduled). Triggers, so every writer (the projection, the outbox worker,
 * another instance) is covered without each remembering to notify; NOTIFY is delivered at commit, so a listener
 * never hears of a row it cannot read yet, and PostgreSQL folds the same payload sent twice in one transaction, so a
 * batch of one campaign costs one notice. The payload is only `kind:campaignId`: the page reloads what changed. The
 * outbox worker's lease (next_attempt_at alone moved on claim) is no change an operator sees, so it stays quiet.
 * Also an index for the Market-calls route (a campaign's calls, newest first).
 */
export const QueueChangeNotices1768000000000 = sqlMigration('QueueChangeNotices1768000000000', {
  up: [
    `CREATE FUNCTION notify_queue_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('marketplace_queue_changes', TG_ARGV[0] || ':' || NEW.campaign_id);
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER cancellation_requests_notify AFTER INSERT OR UPDATE ON cancellation_requests
       FOR EACH ROW EXECUTE FUNCTION notify_queue_change('queue')`,
    `CREATE TRIGGER marketplace_orders_notify AFTER INSERT OR UPDATE ON marketplace_orders
       FOR EACH ROW EXECUTE FUNCTION notify_queue_change('queue')`,
    `CREATE TRIGGER market_outbox_insert_notify AFTER INSERT ON market_outbox
       FOR EACH ROW EXECUTE FUNCTION notify_queue_change('market')`,
    `CREATE TRIGGER market_outbox_update_notify AFTER UPDATE ON market_outbox
       FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.attempts IS DISTINCT FROM NEW.attempts
         OR OLD.last_status IS DISTINCT FROM NEW.last_status OR OLD.last_error IS DISTINCT FROM NEW.last_error)
       EXECUTE FUNCTION notify_queue_change('market')`,
    // The Market-calls route lists a campaign's calls newest first (and an order's among them).
    `CREATE INDEX market_outbox_campaign ON market_outbox (campaign_id, id)`,
  ],
  down: [
    `DROP INDEX IF EXISTS market_outbox_campaign`,
    `DROP TRIGGER IF EXISTS market_outbox_update_notify ON market_outbox`,
    `DROP TRIGGER IF EXISTS market_outbox_insert_notify ON market_outbox`,
    `DROP TRIGGER IF EXISTS marketplace_orders_notify ON marketplace_orders`,
    `DROP TRIGGER IF EXISTS cancellation_requests_notify ON cancellation_requests`,
    `DROP FUNCTION IF EXISTS notify_queue_change()`,
  ],
});
