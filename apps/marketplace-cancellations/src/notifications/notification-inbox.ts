import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import type { Pool, PoolClient } from 'pg';
import { rememberMarketOrder } from '../orders/market-order-ids';
import { notificationKey, type OrderNotification } from './market-notification';

export type NotificationChannel = 'HTTP' | 'KAFKA';

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
 * key) before anyone answers for it, and processed later by the worker. Storing is two INSERTs (the order's ids,
 * the notification), so Market's 10-second budget is never at risk.
 */
@Injectable()
export class NotificationInbox {
  constructor(private readonly events: EventStore) {}

  get pool(): Pool {
    return this.events.pool;
  }

  /** True when new, false for a duplicate. `client` joins a caller's transaction (the Kafka inbox). */
  async save(notification: OrderNotification, channel: NotificationChannel, client?: PoolClient): Promise<boolean> {
    const db = client ?? this.pool;
    // The order's platform id first: it exists before any event of the order can, so a finished delivery finds the
    // order from the moment Market told us of it (policy P1). A row alone, after a crash, is a true fact and harmless.
    await rememberMarketOrder(db, notification);
    const { rowCount } = await db.query(
      `INSERT INTO market_notifications (notification_key, notification_type, campaign_id, order_id, event_at, payload, channel)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (notification_key) DO NOTHING`,
      [notificationKey(notification), notification.notificationType, notification.campaignId, notification.orderId, notification.eventAt,
        JSON.stringify(notification), channel],
    );
    return rowCount === 1;
  }
}
