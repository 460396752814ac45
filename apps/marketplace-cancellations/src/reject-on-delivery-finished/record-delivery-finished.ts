import { DELIVERED_ORDER_POLICY } from '@orders/cancellations-domain';
import type { ParkedDelivery } from '../marketplace-orders/market-order-ids';
import type { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import type { OrderRef } from '../marketplace-orders/order-ref';

/**
 * Records a finished delivery on the Market order's stream (policy P1). The key is the DeliveryFinished message's, so
 * the direct path and a parked delivery applied later are one command, and a redelivered message is a replay.
 */
export async function recordDeliveryFinished(orders: MarketplaceOrders, ref: OrderRef, delivery: ParkedDelivery): Promise<void> {
  await orders.execute('RecordDeliveryFinished', { ...ref, finishedAt: delivery.finishedAt }, {
    actor: DELIVERED_ORDER_POLICY, causationId: delivery.messageId, idempotencyKey: `${DELIVERED_ORDER_POLICY}:${delivery.messageId}`,
  });
}
