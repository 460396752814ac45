import type { CommandResult } from '@orders/event-store';
import type { MarketplaceOrder } from '@orders/cancellations-domain';
import type { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import type { OrderNotification } from './market-notification';

const MARKET_ACTOR = 'market';

/**
 * What each notification asks of the order (domain.md §1.3). A cancellation request's id is derived from the
 * notification, so reprocessing it names the same request.
 */
export function applyNotification(orders: MarketplaceOrders, n: OrderNotification, causationId: string): Promise<CommandResult<MarketplaceOrder>> {
  const ref = { campaignId: n.campaignId, orderId: n.orderId };
  const context = { actor: MARKET_ACTOR, causationId, correlationId: causationId };
  switch (n.notificationType) {
    case 'ORDER_CREATED':
      // DBS orders reach the shop in PROCESSING / STARTED.
      return orders.execute('SyncMarketplaceStatus', {
        ...ref, status: n.status ?? 'PROCESSING', substatus: n.substatus ?? 'STARTED', paymentType: n.paymentType, updatedAt: n.eventAt, source: 'NOTIFICATION',
      }, context);
    case 'ORDER_STATUS_UPDATED':
      return orders.execute('SyncMarketplaceStatus', {
        ...ref, status: n.status ?? 'UNKNOWN', substatus: n.substatus, paymentType: n.paymentType, updatedAt: n.eventAt, source: 'NOTIFICATION',
      }, context);
    case 'ORDER_CANCELLED':
      return orders.execute('SyncMarketplaceStatus', {
        ...ref, status: 'CANCELLED', substatus: n.substatus, paymentType: n.paymentType, updatedAt: n.eventAt, source: 'NOTIFICATION',
      }, context);
    case 'ORDER_CANCELLATION_REQUEST':
      return orders.execute('RegisterBuyerCancellation', {
        ...ref, requestId: `${n.orderId}-${Date.parse(n.eventAt)}`, requestedAt: n.eventAt, substatus: n.substatus, orderStatus: n.status, paymentType: n.paymentType,
      }, context);
  }
}
