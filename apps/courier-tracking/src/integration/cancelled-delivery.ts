import { marketOrderIntakeId, type MarketplaceOrderCancelledV1 } from '@orders/contracts';
import { isUuid } from '@orders/event-store';

/**
 * The deliveries a marketplace cancellation may concern, most direct first. marketplace-cancellations publishes a
 * Market order under its own id (`market-<campaign>-<order>`), while the delivery has the id of the intake order the
 * Market order became (source `market` of the campaign, external id = Market's order id): that id is derived from
 * the Market ids. An order id that is already a UUID is tried as the delivery id first.
 */
export function deliveryIdsOf(cancelled: Pick<MarketplaceOrderCancelledV1, 'orderId' | 'campaignId' | 'marketOrderId'>): string[] {
  const viaIntake = marketOrderIntakeId(cancelled.campaignId, cancelled.marketOrderId);
  return isUuid(cancelled.orderId) && cancelled.orderId !== viaIntake ? [cancelled.orderId, viaIntake] : [viaIntake];
}
