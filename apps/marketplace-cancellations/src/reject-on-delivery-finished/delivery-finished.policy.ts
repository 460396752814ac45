import type { DeliveryFinishedV1 } from '@orders/contracts';
import { isUuid } from '@orders/event-store';
import { ignoreMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';
import type { ParkedDelivery } from '../marketplace-orders/market-order-ids';

/** Campaign ids are Market's positive integers. */
const isCampaignId = (tenantId: string): boolean => /^[1-9]\d{0,15}$/.test(tenantId);

/** Record the finish on the Market order of `platformOrderId` in campaign `campaignId` (or park it there). */
interface RecordFinishedDelivery {
  readonly platformOrderId: string;
  readonly campaignId: string;
  readonly delivery: ParkedDelivery;
}

/**
 * Policy P1: a delivery finished, so its Market order learns it (which rejects a PENDING cancellation request with
 * ORDER_DELIVERED, and any later one at once: the decider's rule). The key is the message's id, so a redelivery or
 * a parked delivery applied later is one command. Deliveries carry intake's UUID, and a Market order's company is
 * its campaign: anything else is not Market's.
 */
export function deliveryFinishedPolicy(finished: Pick<DeliveryFinishedV1, 'orderId' | 'tenantId' | 'deliveredAt'>,
  messageId: string): PolicyDecision<RecordFinishedDelivery> {
  if (!isUuid(finished.orderId)) return ignoreMessage(`delivery ${finished.orderId} is not of a platform order`);
  if (!isCampaignId(finished.tenantId)) return ignoreMessage(`company ${finished.tenantId} is not a Market campaign`);
  return runCommand({ platformOrderId: finished.orderId, campaignId: finished.tenantId, delivery: { finishedAt: finished.deliveredAt, messageId } });
}
