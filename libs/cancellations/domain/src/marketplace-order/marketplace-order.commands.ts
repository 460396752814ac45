import type { Command } from '@orders/decider-kit';
import type { PaymentType } from './market-status';
import type { DetailsSource, NotifiedItem, SyncSource } from './marketplace-order.events';

interface OrderRef {
  readonly campaignId: string;
  readonly orderId: string;
}

/** A status Market reported (notification, poll or relayed message); `updatedAt` is Market's event time. */
export type SyncMarketplaceStatus = Command<'SyncMarketplaceStatus', OrderRef & {
  readonly status: string; readonly substatus?: string; readonly paymentType?: PaymentType; readonly updatedAt: string;
  readonly source: SyncSource;
}>;

/**
 * The buyer asked to cancel. `orderStatus` / `paymentType` fill in what the stream does not know yet (a message may
 * carry them); `requestId` is made at the edge.
 */
export type RegisterBuyerCancellation = Command<'RegisterBuyerCancellation', OrderRef & {
  readonly requestId: string; readonly requestedAt: string; readonly substatus?: string; readonly orderStatus?: string;
  readonly paymentType?: PaymentType;
}>;

/** The shop's answer (PUT …/cancellation/accept). `reason` stays a string: the decider validates it. */
export type DecideCancellation = Command<'DecideCancellation', OrderRef & { readonly accepted: boolean; readonly reason?: string }>;

/** Sent by the durable timer at the request's deadline. */
export type ExpireCancellationRequest = Command<'ExpireCancellationRequest', OrderRef & { readonly requestId: string }>;

/**
 * The order's delivery finished (courier-tracking's DeliveryFinished, policy P1): a fact about the order, kept on its
 * stream so that a request arriving later is rejected at once.
 */
export type RecordDeliveryFinished = Command<'RecordDeliveryFinished', OrderRef & { readonly finishedAt: string }>;

/**
 * What Market says of the order besides its status (see MarketOrderDetailsRecorded): from ORDER_CREATED, or Market's
 * order as its API returned it, read at `asOf`. `paymentType` is what decisions need of it (R-YM-6).
 */
export type RecordMarketOrderDetails = Command<'RecordMarketOrderDetails', OrderRef & {
  readonly source: DetailsSource;
  readonly asOf: string;
  readonly paymentType?: PaymentType;
  readonly creationDate?: string;
  readonly items?: readonly NotifiedItem[];
  readonly marketOrder?: string;
}>;

/** Market answered the shop's decision with a refusal (the connector's outbox worker, after a 400 or 404). */
export type RecordMarketDecisionRefused = Command<'RecordMarketDecisionRefused', OrderRef & {
  readonly requestId: string; readonly accepted: boolean; readonly reason?: string;
  readonly status: number; readonly code: string; readonly message: string;
}>;

export type MarketplaceOrderCommand =
  | SyncMarketplaceStatus
  | RegisterBuyerCancellation
  | DecideCancellation
  | ExpireCancellationRequest
  | RecordDeliveryFinished
  | RecordMarketOrderDetails
  | RecordMarketDecisionRefused;
