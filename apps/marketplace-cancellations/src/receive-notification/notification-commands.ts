import type { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import type { OrderNotification } from './market-notification';

const MARKET_ACTOR = 'market';

/**
 * What each notification asks of the order (domain.md §1.3); returns how many events it appended. A cancellation
 * request's id is derived from the notification, so reprocessing it names the same request.
 */
export async function applyNotification(
  orders: MarketplaceOrders,
  n: OrderNotification,
  causationId: string,
): Promise<number> {
  const ref = { campaignId: n.campaignId, orderId: n.orderId };
  const context = { actor: MARKET_ACTOR, causationId, correlationId: causationId };
  const sync = (status: string, substatus: string | undefined) =>
    orders.execute(
      'SyncMarketplaceStatus',
      { ...ref, status, substatus, paymentType: n.paymentType, updatedAt: n.eventAt, source: 'NOTIFICATION' },
      context,
    );
  switch (n.notificationType) {
    case 'ORDER_CREATED': {
      // DBS orders reach the shop in PROCESSING / STARTED. The creation time and items fill the Market-shaped read
      // model until Market's own order is read (RecordMarketOrderDetails from the connector, source MARKET_API).
      const synced = await sync(n.status ?? 'PROCESSING', n.substatus ?? 'STARTED');
      const details = await orders.execute(
        'RecordMarketOrderDetails',
        {
          ...ref,
          source: 'NOTIFICATION',
          asOf: n.eventAt,
          creationDate: n.eventAt,
          items: n.items,
        },
        context,
      );
      return synced.events.length + details.events.length;
    }
    case 'ORDER_STATUS_UPDATED':
      return (await sync(n.status ?? 'UNKNOWN', n.substatus)).events.length;
    case 'ORDER_CANCELLED':
      return (await sync('CANCELLED', n.substatus)).events.length;
    case 'ORDER_CANCELLATION_REQUEST':
      return (
        await orders.execute(
          'RegisterBuyerCancellation',
          {
            ...ref,
            requestId: `${n.orderId}-${Date.parse(n.eventAt)}`,
            requestedAt: n.eventAt,
            substatus: n.substatus,
            orderStatus: n.status,
            paymentType: n.paymentType,
          },
          context,
        )
      ).events.length;
  }
}
