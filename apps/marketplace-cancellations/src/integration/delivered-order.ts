import { marketOrderIntakeId } from '@orders/contracts';
import type { OrderRef } from '../orders/order-ref';
import { marketOrderOf } from './cancellation-events.mapper';

/**
 * The Market order a finished delivery belongs to, among the campaign's orders waiting for a cancellation decision
 * (the only ones policy P1 can act on). A delivery has the id of the intake order it was made for; a Market order
 * reaches intake as source `market` of its campaign (the delivery's tenant) with Market's order id, so that id is
 * derived from the Market ids and compared. Our own `market-<campaign>-<order>` form is still understood.
 */
export function deliveredMarketOrder(deliveryOrderId: string, tenantId: string, pendingOrderIds: readonly string[]): OrderRef | undefined {
  const direct = marketOrderOf(deliveryOrderId);
  if (direct) return direct;
  const orderId = pendingOrderIds.find((candidate) => marketOrderIntakeId(tenantId, candidate) === deliveryOrderId.toLowerCase());
  return orderId === undefined ? undefined : { campaignId: tenantId, orderId };
}

/** Campaign ids are Market's integers: a delivery of another kind of company cannot be a Market order's. */
export const isCampaignId = (tenantId: string): boolean => /^[1-9]\d{0,15}$/.test(tenantId);
