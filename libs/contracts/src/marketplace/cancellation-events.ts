import { defineMessage } from '../message-definition';
import {
  dateTime, identifier, integer, object, oneOfValues, orderScopedFields, type OrderScoped, orNull, text, type JsonSchema,
} from '../schema-kit';
import { TOPIC } from '../topics';
import { MARKET_ORDER_STATUSES } from './notifications';

/*
 * Public events of marketplace-cancellations' MarketplaceOrder and its buyer cancellation request on
 * `marketplace.cancellation-events.v1`, keyed by our order id. They carry Market's ids as well, so consumers can
 * talk about the order in Market's terms, and no buyer data at all.
 */

const topic = TOPIC.cancellationEvents;
const keyField = 'orderId';

export const REJECTION_REASONS = ['ORDER_DELIVERED', 'ORDER_IN_DELIVERY'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export const MARKETPLACE_CANCEL_CAUSES = ['BUYER_IN_PROCESSING', 'REQUEST_ACCEPTED', 'REQUEST_EXPIRED', 'POSTPAID_AUTO', 'SHOP_FAILED', 'MARKET'] as const;
export type MarketplaceCancelCause = (typeof MARKETPLACE_CANCEL_CAUSES)[number];

export interface MarketplaceOrderScoped extends OrderScoped {
  readonly campaignId: number;
  readonly marketOrderId: number;
}

const marketplaceScopedFields = (): Record<keyof MarketplaceOrderScoped, JsonSchema> => ({
  ...orderScopedFields(),
  campaignId: integer('Market campaign (shop) id', 1),
  marketOrderId: integer('Market order id', 0),
});

export interface CancellationRequestedV1 extends MarketplaceOrderScoped {
  readonly requestId: string;
  readonly requestedAt: string;
  /** requestedAt + 48 h: without a decision by then the cancellation is accepted automatically. */
  readonly deadlineAt: string;
  readonly orderStatusAtRequest: 'DELIVERY' | 'PICKUP';
  readonly buyerSubstatus: string | null;
}

export const cancellationRequestedV1 = defineMessage<CancellationRequestedV1>()({
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
    orderId: 'market-12345-987654321', tenantId: 'company-1', campaignId: 12345, marketOrderId: 987654321,
    requestId: 'request-1', requestedAt: '2026-11-23T10:30:00Z', deadlineAt: '2026-11-25T10:30:00Z',
    orderStatusAtRequest: 'DELIVERY', buyerSubstatus: 'USER_CHANGED_MIND',
  },
});

export interface CancellationAcceptedV1 extends MarketplaceOrderScoped {
  readonly requestId: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export const cancellationAcceptedV1 = defineMessage<CancellationAcceptedV1>()({
  name: 'CancellationAccepted', version: 1, topic, keyField, personalData: 'none',
  summary: 'The shop accepted the buyer\'s cancellation; the delivery is cancelled if not terminal, the intake order cancelled.',
  schema: object({
    required: {
      ...marketplaceScopedFields(),
      requestId: identifier('Cancellation request id'),
      decidedBy: identifier('Who decided (operator or policy)'),
      decidedAt: dateTime('When it was decided'),
    },
  }),
  example: {
    orderId: 'market-12345-987654321', tenantId: 'company-1', campaignId: 12345, marketOrderId: 987654321,
    requestId: 'request-1', decidedBy: 'operator-7', decidedAt: '2026-11-23T11:00:00Z',
  },
});

export interface CancellationRejectedV1 extends MarketplaceOrderScoped {
  readonly requestId: string;
  readonly reason: RejectionReason;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export const cancellationRejectedV1 = defineMessage<CancellationRejectedV1>()({
  name: 'CancellationRejected', version: 1, topic, keyField, personalData: 'none',
  summary: 'The shop rejected the cancellation (already delivered or in delivery); the order status is unchanged.',
  schema: object({
    required: {
      ...marketplaceScopedFields(),
      requestId: identifier('Cancellation request id'),
      reason: oneOfValues('Market OrderCancellationReasonType', REJECTION_REASONS),
      decidedBy: identifier('Who decided (operator, or the delivered-order policy)'),
      decidedAt: dateTime('When it was decided'),
    },
  }),
  example: {
    orderId: 'market-12345-987654321', tenantId: 'company-1', campaignId: 12345, marketOrderId: 987654321,
    requestId: 'request-1', reason: 'ORDER_DELIVERED', decidedBy: 'policy:delivery-finished', decidedAt: '2026-11-23T11:21:00Z',
  },
});

export interface CancellationExpiredV1 extends MarketplaceOrderScoped {
  readonly requestId: string;
  readonly deadlineAt: string;
  readonly expiredAt: string;
}

export const cancellationExpiredV1 = defineMessage<CancellationExpiredV1>()({
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
    orderId: 'market-12345-987654321', tenantId: 'company-1', campaignId: 12345, marketOrderId: 987654321,
    requestId: 'request-1', deadlineAt: '2026-11-25T10:30:00Z', expiredAt: '2026-11-25T10:30:01Z',
  },
});

export interface MarketplaceOrderCancelledV1 extends MarketplaceOrderScoped {
  readonly cause: MarketplaceCancelCause;
  readonly substatus: string | null;
  readonly cancelledAt: string;
}

export const marketplaceOrderCancelledV1 = defineMessage<MarketplaceOrderCancelledV1>()({
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
    orderId: 'market-12345-987654321', tenantId: 'company-1', campaignId: 12345, marketOrderId: 987654321,
    cause: 'REQUEST_ACCEPTED', substatus: 'USER_CHANGED_MIND', cancelledAt: '2026-11-23T11:00:00Z',
  },
});

export interface MarketplaceOrderStatusChangedV1 extends MarketplaceOrderScoped {
  readonly status: (typeof MARKET_ORDER_STATUSES)[number];
  readonly substatus: string | null;
  readonly previousStatus: (typeof MARKET_ORDER_STATUSES)[number] | null;
  readonly updatedAt: string;
}

export const marketplaceOrderStatusChangedV1 = defineMessage<MarketplaceOrderStatusChangedV1>()({
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
    orderId: 'market-12345-987654321', tenantId: 'company-1', campaignId: 12345, marketOrderId: 987654321,
    status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED', previousStatus: 'PROCESSING', updatedAt: '2026-11-23T10:00:00Z',
  },
});

export const CANCELLATION_MESSAGES = [
  cancellationRequestedV1, cancellationAcceptedV1, cancellationRejectedV1, cancellationExpiredV1,
  marketplaceOrderCancelledV1, marketplaceOrderStatusChangedV1,
] as const;
