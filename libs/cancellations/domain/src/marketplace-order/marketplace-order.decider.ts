import type { Decider } from '@orders/decider-kit';
import type { MarketplaceOrderCommand } from './marketplace-order.commands';
import { decide } from './marketplace-order.decide';
import type { MarketplaceOrderEvent } from './marketplace-order.events';
import { evolve, initialState, type MarketplaceOrder } from './marketplace-order.state';

export const marketplaceOrderDecider: Decider<MarketplaceOrderCommand, MarketplaceOrderEvent, MarketplaceOrder> = {
  decide,
  evolve,
  initialState,
};

/** One stream per Market order, keyed by (campaign, order) as domain.md §2.1 has it. */
export const marketplaceOrderStreamId = (campaignId: string, orderId: string): string => `marketplace_order-${campaignId}-${orderId}`;
export const MARKETPLACE_ORDER_STREAM_TYPE = 'marketplace_order';
