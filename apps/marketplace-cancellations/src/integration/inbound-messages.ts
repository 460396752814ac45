import { createInboundDecoder } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';
import type { OrderNotification } from '../notifications/market-notification';

/**
 * Decodes with the catalogue's schemas. Specs run on their own topic names, so each configured topic is read as
 * the catalogue topic it stands for.
 */
export const catalogueDecoder = (canonicalTopic: Readonly<Record<string, string>>): Decoder => createInboundDecoder({ topicAliases: canonicalTopic });

type Payload = Record<string, unknown>;
const optional = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A Market notification relayed on marketplace.notifications.v1, as the inbox stores notifications of any channel. */
export function notificationOfMessage(type: string, p: Payload): OrderNotification | undefined {
  const ref = { campaignId: String(p.campaignId), orderId: String(p.orderId) };
  const paymentType = optional(p.paymentType) as OrderNotification['paymentType'];
  switch (type) {
    case 'MarketOrderCreated':
      return { notificationType: 'ORDER_CREATED', ...ref, eventAt: String(p.createdAt), paymentType };
    case 'MarketOrderStatusUpdated':
      return { notificationType: 'ORDER_STATUS_UPDATED', ...ref, eventAt: String(p.updatedAt), status: optional(p.status), substatus: optional(p.substatus), paymentType };
    case 'MarketOrderCancelled':
      return { notificationType: 'ORDER_CANCELLED', ...ref, eventAt: String(p.cancelledAt), substatus: optional(p.substatus) };
    case 'MarketOrderCancellationRequested':
      return {
        notificationType: 'ORDER_CANCELLATION_REQUEST', ...ref, eventAt: String(p.requestedAt), status: optional(p.status),
        substatus: optional(p.substatus), paymentType,
      };
    default:
      return undefined;
  }
}
