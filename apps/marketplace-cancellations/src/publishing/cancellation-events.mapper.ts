import type { MarketplaceOrderEvent } from '@orders/cancellations-domain';
import {
  type AnyMessageDefinition,
  type ContractMessage,
  contractMessage,
  cancellationAcceptedV1,
  cancellationExpiredV1,
  cancellationRejectedV1,
  cancellationRequestedV1,
  marketplaceOrderCancelledV1,
  marketplaceOrderStatusChangedV1,
} from '@orders/contracts';
import type { RecordedEvent } from '@orders/event-store';
import type { OutboundMessage } from '@orders/messaging';
import { platformOrderIdOf } from '../marketplace-orders/market-order-ids';
import { orderRefOfStream } from '../marketplace-orders/order-ref';

/**
 * Internal events are not the public contract (architecture rule 10): this maps each stored MarketplaceOrder event
 * to its integration event on marketplace.cancellation-events.v1, or to nothing. `orderId` (and the Kafka key, so
 * one order's events stay in order) is the platform order id, intake's id of the Market order, the id its delivery
 * and its summary have too; Market's own ids travel as `campaignId` and `marketOrderId`.
 */
interface OrderScope {
  readonly orderId: string;
  readonly tenantId: string;
  readonly campaignId: number;
  readonly marketOrderId: number;
}

function messageOf(event: MarketplaceOrderEvent, scope: OrderScope): ContractMessage<AnyMessageDefinition> | undefined {
  switch (event.type) {
    case 'MarketplaceOrderSynced': {
      const d = event.data;
      return contractMessage(marketplaceOrderStatusChangedV1, {
        ...scope,
        status: d.status,
        substatus: d.substatus ?? null,
        previousStatus: d.previousStatus ?? null,
        updatedAt: d.updatedAt,
      });
    }
    case 'CancellationRequested': {
      const d = event.data;
      return contractMessage(cancellationRequestedV1, {
        ...scope,
        requestId: d.requestId,
        requestedAt: d.requestedAt,
        deadlineAt: d.deadlineAt,
        orderStatusAtRequest: d.orderStatusAtRequest,
        buyerSubstatus: d.buyerSubstatus ?? null,
      });
    }
    case 'CancellationAccepted':
      return contractMessage(cancellationAcceptedV1, { ...scope, ...event.data });
    case 'CancellationRejected':
      return contractMessage(cancellationRejectedV1, { ...scope, ...event.data });
    case 'CancellationAutoAccepted':
      return contractMessage(cancellationExpiredV1, {
        ...scope,
        requestId: event.data.requestId,
        deadlineAt: event.data.deadlineAt,
        expiredAt: event.data.appliedAt,
      });
    case 'MarketplaceOrderCancelled': {
      const d = event.data;
      return contractMessage(marketplaceOrderCancelledV1, {
        ...scope,
        cause: d.cause === 'MARKETPLACE' ? 'MARKET' : d.cause,
        substatus: d.substatus ?? null,
        cancelledAt: d.cancelledAt,
      });
    }
    case 'OrderCancelledByBuyerWhileProcessing':
      return undefined; // told by the MarketplaceOrderCancelled(BUYER_IN_PROCESSING) that follows it
    case 'OrderDeliveryFinished':
      return undefined; // courier-tracking's DeliveryFinished told it; the rejection it causes is published
    case 'MarketDecisionRefused':
      return undefined; // between the shop and Market: operators see it (GET …/cancellations/market-refusals)
  }
}

export function cancellationEventsMapper(topic: string): (recorded: RecordedEvent) => OutboundMessage | null {
  return (recorded) => {
    const ref = orderRefOfStream(recorded.streamId);
    if (!ref) return null;
    const scope: OrderScope = {
      orderId: platformOrderIdOf(ref),
      tenantId: ref.campaignId,
      campaignId: Number(ref.campaignId),
      marketOrderId: Number(ref.orderId),
    };
    const message = messageOf(recorded as RecordedEvent & MarketplaceOrderEvent, scope);
    return message ? { topic, ...message } : null;
  };
}
