import type { DecideCancellation, ExpireCancellationRequest, MarketplaceOrderCommand, RegisterBuyerCancellation, SyncMarketplaceStatus } from './commands';
import {
  AlreadyDecided, CancellationDeadlineNotReached, CancellationDeadlinePassed, CancellationNotAllowed, InvalidReason,
  NoPendingCancellation, OrderInTerminalState, OrderNotFound, ReasonRequired,
} from './errors';
import type { MarketplaceOrderEvent } from './events';
import { deadlineFor, instant, isHandedToDelivery, isRejectionReason, isTerminal, normalizeStatus, type RejectionReason } from './market-status';
import type { MarketplaceOrder } from './state';

const actorOf = (command: MarketplaceOrderCommand): string => command.metadata.actor ?? 'system';

/** Later event time wins; an equal or older one is a duplicate or stale (INV-M9). */
function syncStatus(command: SyncMarketplaceStatus, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const { campaignId, orderId, status: marketStatus, substatus, paymentType, updatedAt, source } = command.data;
  if (order.statusUpdatedAt !== undefined && instant(updatedAt) <= instant(order.statusUpdatedAt)) return [];
  const status = normalizeStatus(marketStatus);
  const synced: MarketplaceOrderEvent = {
    type: 'MarketplaceOrderSynced',
    data: {
      campaignId, orderId, status, marketStatus, substatus, paymentType, updatedAt, source,
      previousStatus: order.status === 'NONE' ? undefined : order.status,
    },
  };
  if (status !== 'CANCELLED' || order.status === 'CANCELLED') return [synced];
  // Market cancelled it (by itself, or after our decision reached it): downstream hears of it once.
  return [synced, { type: 'MarketplaceOrderCancelled', data: { campaignId, orderId, cause: 'MARKETPLACE', substatus, cancelledAt: updatedAt } }];
}

function registerBuyerCancellation(command: RegisterBuyerCancellation, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const { campaignId, orderId, requestId, requestedAt, substatus } = command.data;
  if (isTerminal(order.status)) return [];
  // One request at a time (INV-M8), and a redelivered request is the same request.
  if (order.request?.state === 'PENDING') return [];
  if (order.request && instant(order.request.requestedAt) === instant(requestedAt)) return [];
  // Market raises requests only for prepaid orders in DELIVERY or PICKUP (R-YM-2, R-YM-6, R-YM-8): a request for an
  // order whose status we do not know (never synced, or a status newer than our enum) is taken at its word.
  const known = order.status !== 'NONE' && order.status !== 'UNKNOWN';
  const status = known ? order.status : normalizeStatus(command.data.orderStatus ?? 'DELIVERY');
  const paymentType = command.data.paymentType ?? order.paymentType ?? 'PREPAID';
  if (status === 'PROCESSING') {
    return [
      { type: 'OrderCancelledByBuyerWhileProcessing', data: { campaignId, orderId, substatus, cancelledAt: requestedAt } },
      { type: 'MarketplaceOrderCancelled', data: { campaignId, orderId, cause: 'BUYER_IN_PROCESSING', substatus, cancelledAt: requestedAt } },
    ];
  }
  if (!isHandedToDelivery(status)) throw new CancellationNotAllowed(status);
  if (paymentType === 'POSTPAID') {
    return [{ type: 'MarketplaceOrderCancelled', data: { campaignId, orderId, cause: 'POSTPAID_AUTO', substatus, cancelledAt: requestedAt } }];
  }
  return [{
    type: 'CancellationRequested',
    data: { requestId, campaignId, orderId, requestedAt, deadlineAt: deadlineFor(requestedAt), orderStatusAtRequest: status, buyerSubstatus: substatus },
  }];
}

/** Input rules first, so a bad request is a 422 whatever the order's state (api-conventions.md). */
function validReason(command: DecideCancellation): RejectionReason | undefined {
  const { accepted, reason } = command.data;
  if (reason !== undefined && !isRejectionReason(reason)) throw new InvalidReason(reason);
  if (!accepted && reason === undefined) throw new ReasonRequired();
  return reason;
}

function decideCancellation(command: DecideCancellation, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const reason = validReason(command);
  const { campaignId, orderId, accepted } = command.data;
  if (order.status === 'NONE') throw new OrderNotFound(campaignId, orderId);
  if (isTerminal(order.status)) throw new OrderInTerminalState(order.status);
  const request = order.request;
  if (request?.state === 'REJECTED') {
    // Repeating the same rejection is already satisfied; changing one's mind is not possible.
    if (!accepted && reason === request.reason) return [];
    throw new AlreadyDecided(request.reason);
  }
  if (request?.state !== 'PENDING') throw new NoPendingCancellation();
  const now = command.metadata.now;
  // A decision at the deadline itself is late (INV-M6).
  if (instant(now) >= instant(request.deadlineAt)) throw new CancellationDeadlinePassed(request.deadlineAt);
  const decidedBy = actorOf(command);
  if (!accepted) {
    return [{ type: 'CancellationRejected', data: { requestId: request.requestId, reason: reason as RejectionReason, decidedBy, decidedAt: now } }];
  }
  return [
    { type: 'CancellationAccepted', data: { requestId: request.requestId, decidedBy, decidedAt: now } },
    { type: 'MarketplaceOrderCancelled', data: { campaignId, orderId, cause: 'REQUEST_ACCEPTED', cancelledAt: now } },
  ];
}

/** The timer's command: a request decided (or replaced) meanwhile makes it a no-op, so a late timer is harmless. */
function expire(command: ExpireCancellationRequest, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const request = order.request;
  if (request?.state !== 'PENDING' || request.requestId !== command.data.requestId) return [];
  const now = command.metadata.now;
  if (instant(now) < instant(request.deadlineAt)) throw new CancellationDeadlineNotReached(request.deadlineAt);
  const { campaignId, orderId } = command.data;
  return [
    { type: 'CancellationAutoAccepted', data: { requestId: request.requestId, deadlineAt: request.deadlineAt, appliedAt: now } },
    { type: 'MarketplaceOrderCancelled', data: { campaignId, orderId, cause: 'REQUEST_EXPIRED', cancelledAt: now } },
  ];
}

export function decide(command: MarketplaceOrderCommand, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  switch (command.type) {
    case 'SyncMarketplaceStatus': return syncStatus(command, order);
    case 'RegisterBuyerCancellation': return registerBuyerCancellation(command, order);
    case 'DecideCancellation': return decideCancellation(command, order);
    case 'ExpireCancellationRequest': return expire(command, order);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}
