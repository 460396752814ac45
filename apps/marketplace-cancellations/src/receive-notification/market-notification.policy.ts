import { ignoreMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';
import type { OrderNotification } from './market-notification';

/** The Market notification types relayed on `marketplace.notifications.v1` that the inbox stores. */
export const MARKET_NOTIFICATION_TYPES = [
  'MarketOrderCreated',
  'MarketOrderStatusUpdated',
  'MarketOrderCancelled',
  'MarketOrderCancellationRequested',
] as const;

type Payload = Record<string, unknown>;
const optional = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A Market notification relayed on marketplace.notifications.v1, as the inbox stores notifications of any channel. */
function notificationOfMessage(type: string, p: Payload): OrderNotification | undefined {
  const ref = { campaignId: String(p.campaignId), orderId: String(p.orderId) };
  const paymentType = optional(p.paymentType) as OrderNotification['paymentType'];
  switch (type) {
    case 'MarketOrderCreated':
      return { notificationType: 'ORDER_CREATED', ...ref, eventAt: String(p.createdAt), paymentType };
    case 'MarketOrderStatusUpdated':
      return {
        notificationType: 'ORDER_STATUS_UPDATED',
        ...ref,
        eventAt: String(p.updatedAt),
        status: optional(p.status),
        substatus: optional(p.substatus),
        paymentType,
      };
    case 'MarketOrderCancelled':
      return {
        notificationType: 'ORDER_CANCELLED',
        ...ref,
        eventAt: String(p.cancelledAt),
        substatus: optional(p.substatus),
      };
    case 'MarketOrderCancellationRequested':
      return {
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        ...ref,
        eventAt: String(p.requestedAt),
        status: optional(p.status),
        substatus: optional(p.substatus),
        paymentType,
      };
    default:
      return undefined;
  }
}

/**
 * A Market notification that came by Kafka is stored in the same inbox as `POST /notification`, so it is handled
 * once whichever channel brought it first; the notification worker acts on it.
 */
export function storeNotificationPolicy(type: string, payload: Payload): PolicyDecision<OrderNotification> {
  const notification = notificationOfMessage(type, payload);
  return notification
    ? runCommand(notification)
    : ignoreMessage(`${type} is not a Market notification the inbox stores`);
}
