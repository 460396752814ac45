import type { Event } from '@orders/decider-kit';
import type { MarketStatus, PaymentType, RejectionReason } from './market-status';

// Stored events of the MarketplaceOrder stream (domain.md §2.3). They are a stored format: change them only with
// an upcaster. Ids are int64 in Market, so they travel as decimal strings.

export type SyncSource = 'NOTIFICATION' | 'KAFKA' | 'POLL';

/** Where what we know of an order besides its status came from: a notification, or Market's order read by its API. */
export type DetailsSource = 'NOTIFICATION' | 'MARKET_API';

/** An item as Market's notifications name it. */
export interface NotifiedItem {
  readonly offerId: string;
  readonly count: number;
}

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
/**
 * What Market told us of the order besides its status, for the Market-shaped read model: `creationDate` and `items`
 * from ORDER_CREATED, or Market's whole order (`marketOrder`: its OrderDTO as JSON text, personal data removed, the
 * amounts as Market wrote them) once read from Market's API. `asOf` is when Market's view was that: the later wins.
 */
export type MarketOrderDetailsRecorded = Event<'MarketOrderDetailsRecorded', {
  campaignId: string; orderId: string; source: DetailsSource; asOf: string; paymentType?: PaymentType;
  creationDate?: string; items?: NotifiedItem[]; marketOrder?: string;
}>;
/** Our delivery of the order finished (policy P1): the buyer has the order, so a cancellation is rejected. */
export type OrderDeliveryFinished = Event<'OrderDeliveryFinished', { campaignId: string; orderId: string; finishedAt: string }>;

/**
 * Market refused the shop's decision on a request (PUT cancellation/accept answered 400 or 404): the decision stands
 * here, but Market did not take it, so an operator has to act in Market's cabinet before the deadline.
 */
export type MarketDecisionRefused = Event<'MarketDecisionRefused', {
  campaignId: string; orderId: string; requestId: string; accepted: boolean; reason?: string;
  status: number; code: string; message: string; refusedAt: string;
}>;

export type MarketplaceOrderEvent =
  | MarketplaceOrderSynced
  | OrderCancelledByBuyerWhileProcessing
  | CancellationRequested
  | CancellationAccepted
  | CancellationRejected
  | CancellationAutoAccepted
  | MarketplaceOrderCancelled
  | OrderDeliveryFinished
  | MarketOrderDetailsRecorded
  | MarketDecisionRefused;

export const MARKETPLACE_ORDER_EVENT_TYPES: readonly MarketplaceOrderEvent['type'][] = [
  'MarketplaceOrderSynced', 'OrderCancelledByBuyerWhileProcessing', 'CancellationRequested', 'CancellationAccepted',
  'CancellationRejected', 'CancellationAutoAccepted', 'MarketplaceOrderCancelled', 'OrderDeliveryFinished',
  'MarketOrderDetailsRecorded', 'MarketDecisionRefused',
];
