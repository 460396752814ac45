import { defineMessage, type PayloadOf } from '../message-definition';
import {
  dateTime, identifier, object, oneOfValues, orderScopedFields, orNull, text,
} from '../schema-kit';
import { marketOrderIntakeId } from '../intake/order-identity';
import { TOPIC } from '../topics';
import { marketId } from '../ids';
import { MARKET_ORDER_STATUSES } from './notifications';

/*
 * Public events of marketplace-cancellations' MarketplaceOrder and its buyer cancellation request on
 * `marketplace.cancellation-events.v1`, keyed by the platform order id: intake's id of the Market order
 * (`marketOrderIntakeId(campaignId, marketOrderId)`), which its delivery and its summary carry too. Market's own ids
 * travel beside it as `campaignId` and `marketOrderId`; no buyer data at all.
 */

const topic = TOPIC.cancellationEvents;
const keyField = 'orderId';

export const REJECTION_REASONS = ['ORDER_DELIVERED', 'ORDER_IN_DELIVERY'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export const MARKETPLACE_CANCEL_CAUSES = ['BUYER_IN_PROCESSING', 'REQUEST_ACCEPTED', 'REQUEST_EXPIRED', 'POSTPAID_AUTO', 'SHOP_FAILED', 'MARKET'] as const;
export type MarketplaceCancelCause = (typeof MARKETPLACE_CANCEL_CAUSES)[number];

/** The order an example refers to (examples document the types in AsyncAPI). */
const exampleOrder = { orderId: marketOrderIntakeId(12345, 987654321), tenantId: '12345', campaignId: 12345, marketOrderId: 987654321 } as const;

const marketplaceScopedFields = () => ({
  ...orderScopedFields(),
  campaignId: marketId('Market campaign (shop) id; also the tenantId (the company the order reached intake for)'),
  marketOrderId: marketId('Market\'s order id (orderId is the platform\'s)'),
});

const decisionFields = () => ({
  ...marketplaceScopedFields(),
  requestId: identifier('Cancellation request id'),
  decidedBy: identifier('Who decided: an operator, or a policy such as the delivered-order one'),
  decidedAt: dateTime('When it was decided'),
});

export const cancellationRequestedV1 = defineMessage({
  name: 'CancellationRequested', version: 1, topic, keyField, personalData: 'none',
  summary: 'A buyer asked to cancel an order in delivery; PENDING until decided or the 48-hour deadline.',
  schema: object({
    required: {
      ...marketplaceScopedFields(),
      requestId: identifier('Cancellation request id'),
      requestedAt: dateTime('When the buyer asked'),
      deadlineAt: dateTime('Decision deadline (requestedAt + 48 h)'),
      orderStatusAtRequest: oneOfValues('Market status when requested', ['DELIVERY', 'PICKUP']),
      buyerSubstatus: orNull(text('Buyer\'s reason as a Market substatus', 64)),
    },
  }),
  example: {
    ...exampleOrder, requestId: 'request-1', requestedAt: '2026-11-23T10:30:00Z', deadlineAt: '2026-11-25T10:30:00Z',
    orderStatusAtRequest: 'DELIVERY', buyerSubstatus: 'USER_CHANGED_MIND',
  },
});

export type CancellationRequestedV1 = PayloadOf<typeof cancellationRequestedV1>;

export const cancellationAcceptedV1 = defineMessage({
  name: 'CancellationAccepted', version: 1, topic, keyField, personalData: 'none',
  summary: 'The shop accepted the buyer\'s cancellation; the delivery is cancelled if not terminal, the intake order cancelled.',
  schema: object({
    required: {
      ...decisionFields(),
    },
  }),
  example: {
    ...exampleOrder, requestId: 'request-1', decidedBy: 'operator-7', decidedAt: '2026-11-23T11:00:00Z',
  },
});

export type CancellationAcceptedV1 = PayloadOf<typeof cancellationAcceptedV1>;

export const cancellationRejectedV1 = defineMessage({
  name: 'CancellationRejected', version: 1, topic, keyField, personalData: 'none',
  summary: 'The shop rejected the cancellation (already delivered or in delivery); the order status is unchanged.',
  schema: object({
    required: {
      ...decisionFields(),
      reason: oneOfValues('Market OrderCancellationReasonType', REJECTION_REASONS),
    },
  }),
  example: {
    ...exampleOrder, requestId: 'request-1', reason: 'ORDER_DELIVERED', decidedBy: 'policy:delivery-finished', decidedAt: '2026-11-23T11:21:00Z',
  },
});

export type CancellationRejectedV1 = PayloadOf<typeof cancellationRejectedV1>;

export const cancellationExpiredV1 = defineMessage({
  name: 'CancellationExpired', version: 1, topic, keyField, personalData: 'none',
  summary: 'No decision within 48 hours: the cancellation was accepted automatically.',
  schema: object({
    required: {
      ...marketplaceScopedFields(),
      requestId: identifier('Cancellation request id'),
      deadlineAt: dateTime('The deadline that passed'),
      expiredAt: dateTime('When the timer applied it'),
    },
  }),
  example: {
    ...exampleOrder, requestId: 'request-1', deadlineAt: '2026-11-25T10:30:00Z', expiredAt: '2026-11-25T10:30:01Z',
  },
});

export type CancellationExpiredV1 = PayloadOf<typeof cancellationExpiredV1>;

export const marketplaceOrderCancelledV1 = defineMessage({
  name: 'MarketplaceOrderCancelled', version: 1, topic, keyField, personalData: 'none',
  summary: 'The marketplace order is cancelled (buyer while processing, request accepted or expired, postpaid, shop, Market).',
  schema: object({
    required: {
      ...marketplaceScopedFields(),
      cause: oneOfValues('Why it was cancelled', MARKETPLACE_CANCEL_CAUSES),
      substatus: orNull(text('Market CANCELLED substatus', 64)),
      cancelledAt: dateTime('When it was cancelled'),
    },
  }),
  example: {
    ...exampleOrder, cause: 'REQUEST_ACCEPTED', substatus: 'USER_CHANGED_MIND', cancelledAt: '2026-11-23T11:00:00Z',
  },
});

export type MarketplaceOrderCancelledV1 = PayloadOf<typeof marketplaceOrderCancelledV1>;

export const marketplaceOrderStatusChangedV1 = defineMessage({
  name: 'MarketplaceOrderStatusChanged', version: 1, topic, keyField, personalData: 'none',
  summary: 'The marketplace order\'s Market status changed (newer updatedAt applied; unknown values as UNKNOWN).',
  schema: object({
    required: {
      ...marketplaceScopedFields(),
      status: oneOfValues('Market order status', MARKET_ORDER_STATUSES),
      substatus: orNull(text('Market substatus', 64)),
      previousStatus: orNull(oneOfValues('Status before; null for the first sync', MARKET_ORDER_STATUSES)),
      updatedAt: dateTime('Market\'s time of the change'),
    },
  }),
  example: {
    ...exampleOrder, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED', previousStatus: 'PROCESSING', updatedAt: '2026-11-23T10:00:00Z',
  },
});

export type MarketplaceOrderStatusChangedV1 = PayloadOf<typeof marketplaceOrderStatusChangedV1>;

export const CANCELLATION_MESSAGES = [
  cancellationRequestedV1, cancellationAcceptedV1, cancellationRejectedV1, cancellationExpiredV1,
  marketplaceOrderCancelledV1, marketplaceOrderStatusChangedV1,
] as const;
