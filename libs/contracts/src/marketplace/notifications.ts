import { type AnyMessageDefinition, defineMessage, type PayloadOf } from '../message-definition';
import { arrayOf, constant, dateTime, integer, type JsonSchema, object, oneOfValues, patterned, text } from '../schema-kit';
import { TOPIC } from '../topics';
import { marketId } from '../ids';

/*
 * Yandex Market push notifications (`POST /notification`, push-notifications API) as upstream systems relay them
 * on `marketplace.notifications.v1`, in Market's own camelCase shapes, so a relay can forward Market's body as is
 * and marketplace-cancellations validates HTTP and Kafka input with the same schemas. Objects stay open: Market
 * documents that it adds values and fields over time. Optional fields marked "relay enrichment" are not in Market's
 * notification; a relay that looked the order up may add them.
 */

const topic = TOPIC.marketplaceNotifications;
const keyField = 'orderId';

/** Market's notification types this platform handles (PING is answered over HTTP and never relayed). */
export const MARKET_NOTIFICATION_TYPES = ['ORDER_CREATED', 'ORDER_STATUS_UPDATED', 'ORDER_CANCELLED', 'ORDER_CANCELLATION_REQUEST'] as const;
export type MarketNotificationType = (typeof MARKET_NOTIFICATION_TYPES)[number];

/** Market's OrderStatusType; other values may appear (Market says so) and are kept as UNKNOWN by the consumer. */
export const MARKET_ORDER_STATUSES = [
  'PLACING', 'RESERVED', 'UNPAID', 'PROCESSING', 'DELIVERY', 'PICKUP', 'DELIVERED', 'CANCELLED', 'PENDING',
  'PARTIALLY_RETURNED', 'RETURNED', 'UNKNOWN',
] as const;
export const MARKET_PAYMENT_TYPES = ['PREPAID', 'POSTPAID'] as const;
export type MarketPaymentType = (typeof MARKET_PAYMENT_TYPES)[number];

const marketEnum = (description: string) => patterned(description, '^[A-Z][A-Z0-9_]*$');
const items = () => arrayOf(object({
  description: 'One order line',
  required: { offerId: text('Seller SKU (offerId)', 255), count: integer('Quantity', 0) },
}), 'Order lines');
const paymentType = () => oneOfValues('Relay enrichment: PREPAID or POSTPAID (payment on delivery)', MARKET_PAYMENT_TYPES);

const marketFields = <const T extends MarketNotificationType>(notificationType: T) => ({
  notificationType: constant(notificationType, 'Market notification type'),
  campaignId: marketId('Market campaign (shop) id'),
  orderId: marketId('Market order id; the Kafka key'),
});

export const marketOrderCreatedV1 = defineMessage({
  name: 'MarketOrderCreated', version: 1, topic, keyField, personalData: 'none',
  summary: 'Market notification ORDER_CREATED: a new marketplace order.',
  schema: object({
    required: { ...marketFields('ORDER_CREATED'), createdAt: dateTime('When Market created the order'), items: items() },
    optional: { paymentType: paymentType() },
  }),
  example: {
    notificationType: 'ORDER_CREATED', campaignId: 12345, orderId: 987654321, createdAt: '2026-11-23T09:00:00Z',
    items: [{ offerId: 'sku-1', count: 1 }], paymentType: 'PREPAID',
  },
});

export type MarketOrderCreatedV1 = PayloadOf<typeof marketOrderCreatedV1>;

export const marketOrderStatusUpdatedV1 = defineMessage({
  name: 'MarketOrderStatusUpdated', version: 1, topic, keyField, personalData: 'none',
  summary: 'Market notification ORDER_STATUS_UPDATED; the later updatedAt wins, older ones are ignored.',
  schema: object({
    required: {
      ...marketFields('ORDER_STATUS_UPDATED'),
      status: marketEnum(`Market order status (${MARKET_ORDER_STATUSES.join(', ')}, or a newer value)`),
      updatedAt: dateTime('When the status changed'),
    },
    optional: { substatus: marketEnum('Market order substatus'), paymentType: paymentType() },
  }),
  example: {
    notificationType: 'ORDER_STATUS_UPDATED', campaignId: 12345, orderId: 987654321, status: 'DELIVERY',
    substatus: 'DELIVERY_SERVICE_RECEIVED', updatedAt: '2026-11-23T10:00:00Z',
  },
});

export type MarketOrderStatusUpdatedV1 = PayloadOf<typeof marketOrderStatusUpdatedV1>;

export const marketOrderCancelledV1 = defineMessage({
  name: 'MarketOrderCancelled', version: 1, topic, keyField, personalData: 'none',
  summary: 'Market notification ORDER_CANCELLED: Market cancelled the order.',
  schema: object({
    required: { ...marketFields('ORDER_CANCELLED'), cancelledAt: dateTime('When it was cancelled'), items: items() },
    optional: { substatus: marketEnum('Relay enrichment: the CANCELLED substatus, e.g. USER_CHANGED_MIND') },
  }),
  example: {
    notificationType: 'ORDER_CANCELLED', campaignId: 12345, orderId: 987654321, cancelledAt: '2026-11-23T11:00:00Z',
    items: [{ offerId: 'sku-1', count: 1 }],
  },
});

export type MarketOrderCancelledV1 = PayloadOf<typeof marketOrderCancelledV1>;

export const marketOrderCancellationRequestedV1 = defineMessage({
  name: 'MarketOrderCancellationRequested', version: 1, topic, keyField, personalData: 'none',
  summary: 'Market notification ORDER_CANCELLATION_REQUEST: a buyer asks to cancel (DBS); the shop has 48 hours to decide.',
  schema: object({
    required: { ...marketFields('ORDER_CANCELLATION_REQUEST'), requestedAt: dateTime('When the buyer asked') },
    optional: {
      status: marketEnum('Relay enrichment: order status at the request (DELIVERY or PICKUP)'),
      substatus: marketEnum('Relay enrichment: the buyer\'s reason, as a CANCELLED substatus'),
      paymentType: paymentType(),
    },
  }),
  example: {
    notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId: 12345, orderId: 987654321,
    requestedAt: '2026-11-23T10:30:00Z', status: 'DELIVERY', substatus: 'USER_CHANGED_MIND', paymentType: 'PREPAID',
  },
});

export type MarketOrderCancellationRequestedV1 = PayloadOf<typeof marketOrderCancellationRequestedV1>;

/** Market's PING (`{notificationType: PING, time}`), for the HTTP endpoint; never relayed to Kafka. */
export const MARKET_PING_SCHEMA: JsonSchema = object({
  required: { notificationType: constant('PING', 'Market notification type'), time: dateTime('When Market sent it') },
});

export const MARKET_NOTIFICATION_MESSAGES = [
  marketOrderCreatedV1, marketOrderStatusUpdatedV1, marketOrderCancelledV1, marketOrderCancellationRequestedV1,
] as const;

/** The message definition for each Market `notificationType` (for the HTTP endpoint receiving Market's body). */
export const MARKET_NOTIFICATION_DEFINITIONS = {
  ORDER_CREATED: marketOrderCreatedV1,
  ORDER_STATUS_UPDATED: marketOrderStatusUpdatedV1,
  ORDER_CANCELLED: marketOrderCancelledV1,
  ORDER_CANCELLATION_REQUEST: marketOrderCancellationRequestedV1,
} as const satisfies Record<MarketNotificationType, AnyMessageDefinition>;
