import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import type { Pool, PoolClient } from 'pg';
import { platformOrderIdOf, rememberMarketOrderSql, rememberMarketOrdersSql } from '../marketplace-orders/market-order-ids';
import { notificationKey, type OrderNotification } from './market-notification';
import { SaveBatches } from './save-batches';

type NotificationChannel = 'HTTP' | 'KAFKA';

const SAVE_SQL = `WITH remembered AS (${rememberMarketOrderSql('$8::uuid', '$3', '$4')})
  INSERT INTO market_notifications
    (notification_key, notification_type, campaign_id, order_id, event_at, payload, channel)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (notification_key) DO NOTHING`;

// The same for several notifications in one statement, in arrival order (`n`): the seq the worker follows. A key
// twice in one batch is stored once (DO NOTHING skips the later row); an order twice is remembered once.
const SAVE_MANY_SQL = `WITH batch AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::uuid[])
      WITH ORDINALITY AS b(notification_key, notification_type, campaign_id, order_id, event_at, payload, channel, platform_order_id, n)
  ), remembered AS (${rememberMarketOrdersSql(
    'SELECT DISTINCT ON (platform_order_id) platform_order_id, campaign_id, order_id FROM batch ORDER BY platform_order_id, n',
  )})
  INSERT INTO market_notifications (notification_key, notification_type, campaign_id, order_id, event_at, payload, channel)
  SELECT notification_key, notification_type, campaign_id, order_id, event_at, payload, channel FROM batch ORDER BY n
  ON CONFLICT (notification_key) DO NOTHING RETURNING notification_key`;

/** Notifications saved together while earlier statements run: at most this many statements (connections) at once. */
const SAVES_IN_FLIGHT = 4;
const LARGEST_BATCH = 256;

type Row = readonly [string, string, string, string, string, string, NotificationChannel, string];

export interface StoredNotification {
  readonly notification_key: string;
  readonly notification_type: string;
  readonly campaign_id: string;
  readonly order_id: string;
  readonly payload: OrderNotification;
  readonly attempts: number;
}

/**
 * The durable inbox for Market notifications from every channel: a notification is stored (deduplicated by its
 * key) before anyone answers for it, and processed later by the worker. Storing is one statement (the notification,
 * and the order's ids in market_order_ids), so Market's 10-second budget is never at risk; notifications that arrive
 * together share the statement and its commit (SaveBatches).
 */
@Injectable()
export class NotificationInbox {
  constructor(private readonly events: EventStore) {}

  get pool(): Pool {
    return this.events.pool;
  }

  private readonly batches = new SaveBatches<Row, boolean>((rows) => this.saveRows(rows), SAVES_IN_FLIGHT, LARGEST_BATCH);

  /**
   * True when new, false for a duplicate; stored (committed) either way when it returns. `client` joins a caller's
   * transaction (the Kafka inbox); without one, notifications that arrive together share one statement and commit.
   */
  async save(notification: OrderNotification, channel: NotificationChannel, client?: PoolClient): Promise<boolean> {
    // The order's platform id too, in the same statement: it exists before any event of the order can, so a finished
    // delivery finds the order from the moment Market told us of it (policy P1).
    const row: Row = [
      notificationKey(notification), notification.notificationType, notification.campaignId, notification.orderId,
      notification.eventAt, JSON.stringify(notification), channel, platformOrderIdOf(notification),
    ];
    return client ? this.saveOne(client, row) : this.batches.write(row);
  }

  private async saveOne(db: Pool | PoolClient, row: Row): Promise<boolean> {
    // A named statement: parsed and planned once per connection, not on every notification Market sends.
    const { rowCount } = await db.query({ name: 'market_notification_save', text: SAVE_SQL, values: [...row] });
    return rowCount === 1;
  }

  private async saveRows(rows: readonly Row[]): Promise<boolean[]> {
    if (rows.length === 1) return [await this.saveOne(this.pool, rows[0])];
    const columns = rows[0].map((_, column) => rows.map((row) => row[column]));
    const { rows: stored } = await this.pool.query<{ notification_key: string }>({
      name: 'market_notification_save_many', text: SAVE_MANY_SQL, values: columns,
    });
    // The first of a key repeated within the batch is the one stored; the rest are its duplicates.
    const fresh = new Set(stored.map((r) => r.notification_key));
    return rows.map(([key]) => fresh.delete(key));
  }
}
