import { ignoreMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';
import type { OrderNotification } from '../notifications/market-notification';
import { notificationOfMessage } from './inbound-messages';

/** The Market notification types relayed on `marketplace.notifications.v1` that the inbox stores. */
export const MARKET_NOTIFICATION_TYPES = ['MarketOrderCreated', 'MarketOrderStatusUpdated', 'MarketOrderCancelled', 'MarketOrderCancellationRequested'] as const;

/**
 * A Market notification that came by Kafka is stored in the same inbox as `POST /notification`, so it is handled
 * once whichever channel brought it first; the notification worker acts on it.
 */
export function storeNotificationPolicy(type: string, payload: Record<string, unknown>): PolicyDecision<OrderNotification> {
  const notification = notificationOfMessage(type, payload);
  return notification ? runCommand(notification) : ignoreMessage(`${type} is not a Market notification the inbox stores`);
}
