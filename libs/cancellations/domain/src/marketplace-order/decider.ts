import type { Decider } from '@orders/decider-kit';
import type { MarketplaceOrderCommand } from './commands';
import { decide } from './decide';
import type { MarketplaceOrderEvent } from './events';
import { evolve, initialState, type MarketplaceOrder } from './state';

export const marketplaceOrderDecider: Decider<MarketplaceOrderCommand, MarketplaceOrderEvent, MarketplaceOrder> = {
  decide,
  evolve,
  initialState,
};

/** One stream per Market order, keyed by (campaign, order) as domain.md §2.1 has it. */
export const marketplaceOrderStreamId = (campaignId: string, orderId: string): string => `marketplace_order-${campaignId}-${orderId}`;
export const MARKETPLACE_ORDER_STREAM_TYPE = 'marketplace_order';
