import type { MarketplaceOrderCancelledV1 } from '@orders/contracts';
import type { CancelDeliveryForMarketplace } from '@orders/delivery-domain';
import { ignoreMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';
import { deliveryIdOf } from './cancelled-delivery';

export interface CancelMarketplaceDelivery {
  readonly companyId: string;
  readonly deliveryId: string;
  readonly command: Pick<CancelDeliveryForMarketplace, 'type' | 'data'>;
}

/**
 * Policy P3: the marketplace cancelled an order, so its delivery (the platform order id, `deliveryIdOf`) is
 * cancelled; the decider cancels it if still open, else records the conflict. `deliveryExists`: an active delivery
 * of that id and company; only those are ours to cancel, and an order that never became a delivery needs nothing.
 */
export function cancelDeliveryPolicy(cancelled: MarketplaceOrderCancelledV1,
  facts: { readonly deliveryExists: boolean }): PolicyDecision<CancelMarketplaceDelivery> {
  const deliveryId = deliveryIdOf(cancelled);
  if (!facts.deliveryExists) return ignoreMessage(`no delivery ${deliveryId} of company ${cancelled.tenantId}`);
  return runCommand({
    companyId: cancelled.tenantId, deliveryId, command: { type: 'CancelDeliveryForMarketplace', data: { cause: cancelled.cause } },
  });
}
