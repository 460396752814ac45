import type { CancellationSettings } from '../marketplace-cancellations.config';

/** A Market method as its limits count it: parallel requests per campaign, and requests per hour when it has a budget. */
export interface MarketResource {
  readonly name: string;
  readonly parallel: number;
  readonly perHour?: number;
}

/**
 * The Market-shaped methods and their limits (the settings, whose defaults are Market's `marketLimitsOf`: GET orders
 * and GET order 6 in parallel and 10,000 an hour, the decision 500 an hour under Market's global parallel limit, 4).
 * Each method counts its own.
 */
export function marketResources(settings: CancellationSettings) {
  return {
    getOrders: { name: 'getOrders', parallel: settings.ordersParallelRequests, perHour: settings.ordersPerHour },
    getOrder: { name: 'getOrder', parallel: settings.ordersParallelRequests, perHour: settings.ordersPerHour },
    acceptOrderCancellation: {
      name: 'acceptOrderCancellation',
      parallel: settings.parallelRequestsPerCampaign,
      perHour: settings.decisionsPerHour,
    },
  } satisfies Record<string, MarketResource>;
}

/**
 * The connector's own calls to Market, counted apart from the façade's (they spend the shop's budget at Market, not
 * ours) but at the same limits: Market's, unless the settings lower them.
 */
export function outboundMarketResources(settings: CancellationSettings) {
  const facade = marketResources(settings);
  return {
    getOrders: { ...facade.getOrders, name: 'to-market:getOrders' },
    getOrder: { ...facade.getOrder, name: 'to-market:getOrder' },
    acceptOrderCancellation: { ...facade.acceptOrderCancellation, name: 'to-market:acceptOrderCancellation' },
  } satisfies Record<string, MarketResource>;
}
