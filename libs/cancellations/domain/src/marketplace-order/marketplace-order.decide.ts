import type {
  DecideCancellation, ExpireCancellationRequest, MarketplaceOrderCommand, RecordDeliveryFinished, RecordMarketDecisionRefused,
  RecordMarketOrderDetails,
  RegisterBuyerCancellation, SyncMarketplaceStatus,
} from './marketplace-order.commands';
import {
  AlreadyDecided, CancellationDeadlineNotReached, CancellationDeadlinePassed, CancellationNotAllowed, InvalidReason,
  NoPendingCancellation, OrderInTerminalState, OrderNotFound, ReasonRequired,
} from './marketplace-order.errors';
import type { MarketplaceOrderEvent } from './marketplace-order.events';
import { deadlineFor, instant, isHandedToDelivery, isRejectionReason, isTerminal, normalizeStatus, type RejectionReason } from './market-status';
import type { MarketplaceOrder } from './marketplace-order.state';

const actorOf = (command: MarketplaceOrderCommand): string => command.metadata.actor ?? 'system';

/** Who rejects a cancellation because the order was delivered (policy P1), whichever came first. */
export const DELIVERED_ORDER_POLICY = 'policy:delivery-finished';

const deliveredRejection = (requestId: string, decidedBy: string, decidedAt: string): MarketplaceOrderEvent =>
  ({ type: 'CancellationRejected', data: { requestId, reason: 'ORDER_DELIVERED', decidedBy, decidedAt } });

/** Later event time wins; an equal or older one is a duplicate or stale (INV-M9). */
function syncStatus(command: SyncMarketplaceStatus, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const { campaignId, orderId, status: marketStatus, substatus, paymentType, updatedAt, source } = command.data;
  if (order.statusUpdatedAt !== undefined && instant(updatedAt) <= instant(order.statusUpdatedAt)) return [];
  const status = normalizeStatus(marketStatus);
  // Cancelled is final on Market's side too: a later, different status contradicts it (a misordered or replayed
  // notification), and taking it would reopen an order that downstream already ended (simulator finding F1).
  if (order.status === 'CANCELLED' && status !== 'CANCELLED') return [];
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
  const requested: MarketplaceOrderEvent = {
    type: 'CancellationRequested',
    data: { requestId, campaignId, orderId, requestedAt, deadlineAt: deadlineFor(requestedAt), orderStatusAtRequest: status, buyerSubstatus: substatus },
  };
  // Delivered before the buyer asked (or before we heard of it): the buyer has the order, so the answer is already
  // known (R-YM-3: accepted=false, ORDER_DELIVERED). The request is still recorded: Market waits for our decision.
  if (order.deliveredAt !== undefined) return [requested, deliveredRejection(requestId, DELIVERED_ORDER_POLICY, command.metadata.now)];
  return [requested];
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

/**
 * Policy P1 on the order's own stream, so it cannot race the request: a PENDING request is rejected with
 * ORDER_DELIVERED, and the fact stays for a request still to come. A request past its deadline is the timer's (its
 * auto-accept is what Market applies too); a cancelled order keeps nothing more.
 */
function recordDeliveryFinished(command: RecordDeliveryFinished, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  if (order.deliveredAt !== undefined || isTerminal(order.status)) return [];
  const { campaignId, orderId, finishedAt } = command.data;
  const fact: MarketplaceOrderEvent = { type: 'OrderDeliveryFinished', data: { campaignId, orderId, finishedAt } };
  const request = order.request;
  const now = command.metadata.now;
  if (request?.state !== 'PENDING' || instant(now) >= instant(request.deadlineAt)) return [fact];
  return [fact, deliveredRejection(request.requestId, actorOf(command), now)];
}

/** Details are Market's view at `asOf`: a view as old as the last one recorded, or older, changes nothing. */
function recordDetails(command: RecordMarketOrderDetails, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const { asOf } = command.data;
  if (order.detailsAsOf !== undefined && instant(asOf) <= instant(order.detailsAsOf)) return [];
  const { campaignId, orderId, source, paymentType, creationDate, items, marketOrder } = command.data;
  return [{
    type: 'MarketOrderDetailsRecorded',
    data: {
      campaignId, orderId, source, asOf,
      ...(paymentType ? { paymentType } : {}),
      ...(creationDate ? { creationDate } : {}),
      ...(items ? { items: [...items] } : {}),
      ...(marketOrder ? { marketOrder } : {}),
    },
  }];
}

/** A refusal is a fact Market told us: recorded once per request, whatever the order's state has become since. */
function recordRefusal(command: RecordMarketDecisionRefused, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  const { requestId } = command.data;
  if (order.refusedByMarket?.includes(requestId)) return [];
  const { campaignId, orderId, accepted, reason, status, code, message } = command.data;
  return [{
    type: 'MarketDecisionRefused',
    data: { campaignId, orderId, requestId, accepted, ...(reason ? { reason } : {}), status, code, message,
      refusedAt: command.metadata.now },
  }];
}

export function decide(command: MarketplaceOrderCommand, order: MarketplaceOrder): MarketplaceOrderEvent[] {
  switch (command.type) {
    case 'SyncMarketplaceStatus': return syncStatus(command, order);
    case 'RegisterBuyerCancellation': return registerBuyerCancellation(command, order);
    case 'DecideCancellation': return decideCancellation(command, order);
    case 'ExpireCancellationRequest': return expire(command, order);
    case 'RecordDeliveryFinished': return recordDeliveryFinished(command, order);
    case 'RecordMarketOrderDetails': return recordDetails(command, order);
    case 'RecordMarketDecisionRefused': return recordRefusal(command, order);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}
