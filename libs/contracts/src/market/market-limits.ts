import { marketOpenApi } from './market-openapi';

/**
 * Market's global limit, from its limits page rather than its OpenAPI: at most 4 requests in flight at once per
 * campaign on `/campaigns/{campaignId}/...` routes. A method's own `parallel-limit-value` replaces it (getOrders: 6).
 */
export const MARKET_GLOBAL_PARALLEL_LIMIT = 4;

/** The methods the platform calls on Market (the vendored subset). */
export const MARKET_CALLED_OPERATIONS = ['acceptOrderCancellation', 'getOrder', 'getOrders'] as const;
export type MarketCalledOperation = (typeof MARKET_CALLED_OPERATIONS)[number];

/** A method's limits per campaign: requests in flight at once, and requests per hour when it has a budget. */
export interface MarketMethodLimits {
  readonly parallel: number;
  readonly perHour?: number;
}

/** What Market's OpenAPI (`x-resource-limit-config`) and its global limit allow of one method. */
export function marketLimitsOf(operationId: string): MarketMethodLimits {
  const { parallel, perHour } = marketOpenApi().operation(operationId).limits;
  return { parallel: parallel ?? MARKET_GLOBAL_PARALLEL_LIMIT, perHour };
}
