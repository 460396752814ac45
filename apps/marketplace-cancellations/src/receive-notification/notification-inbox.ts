import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import type { Pool, PoolClient } from 'pg';
import { platformOrderIdOf, rememberMarketOrderSql } from '../marketplace-orders/market-order-ids';
import { notificationKey, type OrderNotification } from './market-notification';

type NotificationChannel = 'HTTP' | 'KAFKA';

const SAVE_SQL = `WITH remembered AS (${rememberMarketOrderSql('$8::uuid', '$3', '$4')})
  INSERT INTO market_notifications
    (notification_key, notification_type, campaign_id, order_id, event_at, payload, channel)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (notification_key) DO NOTHING`;

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
 * and the order's ids in market_order_ids), so Market's 10-second budget is never at risk.
 */
@Injectable()
export class NotificationInbox {
  constructor(private readonly events: EventStore) {}

  get pool(): Pool {
    return this.events.pool;
  }

  /** True when new, false for a duplicate. `client` joins a caller's transaction (the Kafka inbox). */
  async save(notification: OrderNotification, channel: NotificationChannel, client?: PoolClient): Promise<boolean> {
    // The order's platform id too, in the same statement: it exists before any event of the order can, so a finished
    // delivery finds the order from the moment Market told us of it (policy P1).
    // A named statement: parsed and planned once per connection, not on every notification Market sends.
    const { rowCount } = await (client ?? this.pool).query({
      name: 'market_notification_save',
      text: SAVE_SQL,
      values: [
        notificationKey(notification), notification.notificationType, notification.campaignId, notification.orderId,
        notification.eventAt, JSON.stringify(notification), channel, platformOrderIdOf(notification),
      ],
    });
    return rowCount === 1;
  }
}
