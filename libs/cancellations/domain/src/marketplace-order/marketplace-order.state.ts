import type { MarketplaceOrderEvent } from './marketplace-order.events';
import { instant, type MarketStatus, type PaymentType, type RejectionReason } from './market-status';

export type RequestState = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'AUTO_ACCEPTED' | 'CLOSED';

export interface CancellationRequest {
  readonly requestId: string;
  readonly requestedAt: string;
  readonly deadlineAt: string;
  readonly state: RequestState;
  readonly reason?: RejectionReason;
}

/** Only what decisions need; the queue and the history are read models. */
export interface MarketplaceOrder {
  readonly status: MarketStatus | 'NONE';
  readonly paymentType?: PaymentType;
  /** The latest event time applied to the status: an older update is ignored (INV-M9). */
  readonly statusUpdatedAt?: string;
  readonly request?: CancellationRequest;
  /** When our delivery of the order finished, once known: any buyer request from then on is rejected (P1). */
  readonly deliveredAt?: string;
  /** `asOf` of the details last recorded: older ones are ignored, as older statuses are. */
  readonly detailsAsOf?: string;
  /** Requests whose decision Market refused: recorded once each. */
  readonly refusedByMarket?: readonly string[];
}

export const initialState: MarketplaceOrder = { status: 'NONE' };

const later = (current: string | undefined, candidate: string): string =>
  current !== undefined && instant(current) >= instant(candidate) ? current : candidate;

const closeRequest = (request: CancellationRequest | undefined, state: RequestState): CancellationRequest | undefined =>
  request?.state === 'PENDING' ? { ...request, state } : request;

export function evolve(order: MarketplaceOrder, event: MarketplaceOrderEvent): MarketplaceOrder {
  switch (event.type) {
    case 'MarketplaceOrderSynced':
      return {
        ...order,
        status: event.data.status,
        paymentType: event.data.paymentType ?? order.paymentType,
        statusUpdatedAt: later(order.statusUpdatedAt, event.data.updatedAt),
      };
    case 'CancellationRequested':
      return {
        ...order,
        status: order.status === 'NONE' ? event.data.orderStatusAtRequest : order.status,
        request: { requestId: event.data.requestId, requestedAt: event.data.requestedAt, deadlineAt: event.data.deadlineAt, state: 'PENDING' },
      };
    case 'CancellationAccepted':
      return { ...order, request: closeRequest(order.request, 'ACCEPTED') };
    case 'CancellationAutoAccepted':
      return { ...order, request: closeRequest(order.request, 'AUTO_ACCEPTED') };
    case 'CancellationRejected':
      return order.request?.state === 'PENDING'
        ? { ...order, request: { ...order.request, state: 'REJECTED', reason: event.data.reason } }
        : order;
    case 'OrderCancelledByBuyerWhileProcessing':
      return order;
    case 'OrderDeliveryFinished':
      return { ...order, deliveredAt: event.data.finishedAt };
    case 'MarketOrderDetailsRecorded':
      return {
        ...order,
        paymentType: event.data.paymentType ?? order.paymentType,
        detailsAsOf: later(order.detailsAsOf, event.data.asOf),
      };
    case 'MarketDecisionRefused':
      return { ...order, refusedByMarket: [...(order.refusedByMarket ?? []), event.data.requestId] };
    case 'MarketplaceOrderCancelled':
      // A request still open when Market cancels the order by itself is closed with it.
      return {
        ...order,
        status: 'CANCELLED',
        statusUpdatedAt: later(order.statusUpdatedAt, event.data.cancelledAt),
        request: closeRequest(order.request, 'CLOSED'),
      };
  }
}
