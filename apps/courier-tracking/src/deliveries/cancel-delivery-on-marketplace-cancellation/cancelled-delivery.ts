import { marketOrderIntakeId, type MarketplaceOrderCancelledV1 } from '@orders/contracts';
import { isUuid } from '@orders/event-store';

/**
 * The delivery a marketplace cancellation concerns. `orderId` is the platform order id, intake's id of the Market
 * order, which the delivery made for it has too. A message published before that rule carried
 * `market-<campaign>-<order>` (still retained on the topic for up to 30 days): its delivery id is derived from the
 * Market ids, the same way intake named the order.
 */
export function deliveryIdOf(cancelled: Pick<MarketplaceOrderCancelledV1, 'orderId' | 'campaignId' | 'marketOrderId'>): string {
  return isUuid(cancelled.orderId) ? cancelled.orderId.toLowerCase() : marketOrderIntakeId(cancelled.campaignId, cancelled.marketOrderId);
}
