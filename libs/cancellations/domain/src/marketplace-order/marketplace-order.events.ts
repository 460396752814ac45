import type { Event } from '@orders/decider-kit';
import type { MarketStatus, PaymentType, RejectionReason } from './market-status';

// Stored events of the MarketplaceOrder stream (domain.md §2.3). They are a stored format: change them only with
// an upcaster. Ids are int64 in Market, so they travel as decimal strings.

export type SyncSource = 'NOTIFICATION' | 'KAFKA' | 'POLL';

export type CancellationCause = 'BUYER_IN_PROCESSING' | 'REQUEST_ACCEPTED' | 'REQUEST_EXPIRED' | 'POSTPAID_AUTO' | 'MARKETPLACE';

export type MarketplaceOrderSynced = Event<'MarketplaceOrderSynced', {
  campaignId: string; orderId: string; status: MarketStatus; marketStatus: string; substatus?: string;
  paymentType?: PaymentType; updatedAt: string; source: SyncSource;
  /** The status it replaced; absent on the first sync. */
  previousStatus?: MarketStatus;
}>;
export type OrderCancelledByBuyerWhileProcessing = Event<'OrderCancelledByBuyerWhileProcessing', {
  campaignId: string; orderId: string; substatus?: string; cancelledAt: string;
}>;
export type CancellationRequested = Event<'CancellationRequested', {
  requestId: string; campaignId: string; orderId: string; requestedAt: string; deadlineAt: string;
  orderStatusAtRequest: 'DELIVERY' | 'PICKUP'; buyerSubstatus?: string;
}>;
export type CancellationAccepted = Event<'CancellationAccepted', { requestId: string; decidedBy: string; decidedAt: string }>;
export type CancellationRejected = Event<'CancellationRejected', {
  requestId: string; reason: RejectionReason; decidedBy: string; decidedAt: string;
}>;
export type CancellationAutoAccepted = Event<'CancellationAutoAccepted', { requestId: string; deadlineAt: string; appliedAt: string }>;
export type MarketplaceOrderCancelled = Event<'MarketplaceOrderCancelled', {
  campaignId: string; orderId: string; cause: CancellationCause; substatus?: string; cancelledAt: string;
}>;
/** Our delivery of the order finished (policy P1): the buyer has the order, so a cancellation is rejected. */
export type OrderDeliveryFinished = Event<'OrderDeliveryFinished', { campaignId: string; orderId: string; finishedAt: string }>;

export type MarketplaceOrderEvent =
  | MarketplaceOrderSynced
  | OrderCancelledByBuyerWhileProcessing
  | CancellationRequested
  | CancellationAccepted
  | CancellationRejected
  | CancellationAutoAccepted
  | MarketplaceOrderCancelled
  | OrderDeliveryFinished;

export const MARKETPLACE_ORDER_EVENT_TYPES: readonly MarketplaceOrderEvent['type'][] = [
  'MarketplaceOrderSynced', 'OrderCancelledByBuyerWhileProcessing', 'CancellationRequested', 'CancellationAccepted',
  'CancellationRejected', 'CancellationAutoAccepted', 'MarketplaceOrderCancelled', 'OrderDeliveryFinished',
];
