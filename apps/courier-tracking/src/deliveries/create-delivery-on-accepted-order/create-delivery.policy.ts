import type { ExternalOrderAcceptedV1 } from '@orders/contracts';
import { toMajorUnits, type CreateDelivery, type DeliverySettings } from '@orders/delivery-domain';
import { isUuid } from '@orders/event-store';
import { ignoreMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';

/** Without a requested time the window opens at acceptance; [P] 90 minutes for a courier, an hour either way. */
const ASAP_WINDOW_MS = 90 * 60_000;
const REQUESTED_WINDOW_MS = 60 * 60_000;

/**
 * Policy P2 (architecture.md, domain.md §2.7): intake accepted an order, so its delivery is created under the same
 * id and correlation, not yet located (intake carries no coordinates; a dispatcher completes it by PATCH).
 * `settings` are the company's delivery settings. The command's time, actor and correlation are the handler's.
 */
export function createDeliveryPolicy(accepted: ExternalOrderAcceptedV1, settings: DeliverySettings): PolicyDecision<Pick<CreateDelivery, 'type' | 'data'>> {
  if (!isUuid(accepted.orderId)) return ignoreMessage(`order id ${accepted.orderId} is not a UUID, as delivery ids are`);
  const start = Date.parse(accepted.requestedTime ?? accepted.acceptedAt);
  const end = start + (accepted.requestedTime ? REQUESTED_WINDOW_MS : ASAP_WINDOW_MS);
  return runCommand({
    type: 'CreateDelivery',
    data: {
      delivery_id: accepted.orderId, company_id: accepted.tenantId, pii_ref: accepted.orderId, personal_data_fields: [], located: false,
      order: {
        number: accepted.posOrderRef ?? accepted.orderId, time_interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
        // A T&T order is in rubles; the decider stores exactly these kopecks again (money.ts).
        service_type: accepted.serviceType, amount: toMajorUnits(accepted.amountMinor),
      },
      settings, initiator: 'user_api', internal: true,
    },
  });
}
