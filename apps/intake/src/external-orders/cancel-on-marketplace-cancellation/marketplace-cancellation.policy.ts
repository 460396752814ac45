import type { CancellationAcceptedV1, CancellationExpiredV1 } from '@orders/contracts';
import { ignoreMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';
import type { CancelExternalOrder, CancellationCause } from '@orders/ordering-domain';
import { externalOrderId, UUID_PATTERN } from '../order-identity';

/**
 * Marketplace orders reach intake as orders of source `market` whose external id is Market's order id; that is how
 * a marketplace cancellation of the old `market-…` form finds its intake order.
 */
export const MARKETPLACE_SOURCE = 'market';

export type MarketplaceCancellation = CancellationAcceptedV1 | CancellationExpiredV1;

/**
 * The intake order a cancellation names. `orderId` is the platform order id, intake's own. A message of the old
 * `market-<campaign>-<order>` form (still retained on the topic) names it through Market's ids.
 */
export function intakeOrderIdOf(cancellation: MarketplaceCancellation): string {
  return UUID_PATTERN.test(cancellation.orderId)
    ? cancellation.orderId.toLowerCase()
    : externalOrderId(cancellation.tenantId, MARKETPLACE_SOURCE, String(cancellation.marketOrderId));
}

/**
 * Policy: the marketplace accepted a buyer's cancellation, or let its decision window expire, so the intake order
 * is cancelled. `orderCompany` is the company owning that order in intake (undefined: no such order yet): another
 * company's order is not this service's to cancel; an order not received yet is cancelled all the same, which the
 * decider records on its stream so the order ends the moment it arrives (the two topics race). The decision carries
 * the command's data; the handler adds the metadata.
 */
export function cancelOnMarketplaceCancellation(
  cause: CancellationCause,
  cancellation: MarketplaceCancellation,
  facts: { readonly orderCompany: string | undefined },
): PolicyDecision<CancelExternalOrder['data']> {
  const orderId = intakeOrderIdOf(cancellation);
  if (facts.orderCompany !== undefined && facts.orderCompany !== cancellation.tenantId)
    return ignoreMessage(`intake order ${orderId} is not of company ${cancellation.tenantId}`);
  return runCommand({ companyId: cancellation.tenantId, orderId, cause, cancellationRef: cancellation.requestId });
}
