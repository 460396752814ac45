import type { CancelExternalOrder } from '@orders/ordering-domain';
import type { CancelDeliveryForMarketplace, CreateDelivery, DeliverySettings } from '@orders/delivery-domain';
import type { DecideCancellation, RecordDeliveryFinished } from '@orders/cancellations-domain';
import type { SimMessage } from './transport';

/**
 * The cross-service policies as pure functions, message → command or ignore, the shape of the services'
 * `*.policy.ts`. They restate those files rather than import them: the app policies import `@orders/messaging/nest`
 * (NestJS, kafkajs) and the event store's index (pg), which the simulator core must not load. Each restatement
 * names the app file it mirrors; a change there is a change here (README, "What is not simulated").
 */
export type Routed<C> = {
  readonly streamId: string;
  readonly command: Pick<C & { type: string; data: unknown }, 'type' | 'data'>;
  readonly actor: string;
};
export type Decision<C> = { kind: 'command'; routed: Routed<C> } | { kind: 'ignore'; reason: string };

const ignore = (reason: string): Decision<never> => ({ kind: 'ignore', reason });
const run = <C>(routed: Routed<C>): Decision<C> => ({ kind: 'command', routed });

export const SETTINGS: DeliverySettings = { time_zone: 'Europe/Moscow', partially_finished_status_enabled: false };
/** P1's actor: the rejection it causes names it, so the invariant can tell a policy's decision from an operator's. */
export const DELIVERY_FINISHED_POLICY = 'policy:delivery-finished';

export interface PolicyOptions {
  /**
   * The injected bug the CI spec must catch: on a finished delivery, accept the pending cancellation instead of
   * recording the delivery (which rejects it with ORDER_DELIVERED).
   */
  readonly buggyDeliveryFinished?: boolean;
}

/** apps/courier-tracking/src/deliveries/create-delivery-on-accepted-order/create-delivery.policy.ts: intake accepted an order → its delivery. */
export function createDeliveryPolicy(message: SimMessage): Decision<CreateDelivery> {
  const p = message.payload as {
    orderId: string;
    companyId: string;
    acceptedAt: string;
    requestedTime: string | null;
    serviceType: string;
    amountMinor: number;
  };
  const start = Date.parse(p.requestedTime ?? p.acceptedAt);
  const end = start + (p.requestedTime ? 60 : 90) * 60_000;
  return run({
    streamId: `delivery-${p.orderId}`,
    actor: 'policy:create-delivery',
    command: {
      type: 'CreateDelivery',
      data: {
        delivery_id: p.orderId,
        company_id: p.companyId,
        pii_ref: p.orderId,
        personal_data_fields: [],
        located: false,
        order: {
          number: p.orderId,
          time_interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
          service_type: p.serviceType,
          amount: p.amountMinor / 100,
        },
        settings: SETTINGS,
        initiator: 'user_api',
        internal: true,
      },
    },
  });
}

/**
 * apps/marketplace-cancellations/src/reject-on-delivery-finished/delivery-finished.policy.ts (P1): the delivery of a Market order
 * finished → the order's stream records it (rejecting a pending request with ORDER_DELIVERED).
 */
export function deliveryFinishedPolicy(
  message: SimMessage,
  marketStreamOf: (orderId: string) => { streamId: string; campaignId: string; orderId: string } | undefined,
  options: PolicyOptions = {},
): Decision<RecordDeliveryFinished | DecideCancellation> {
  const p = message.payload as { orderId: string; deliveredAt: string };
  const market = marketStreamOf(p.orderId);
  if (!market) return ignore(`order ${p.orderId} is not a Market order`);
  const ref = { campaignId: market.campaignId, orderId: market.orderId };
  if (options.buggyDeliveryFinished) {
    return run({
      streamId: market.streamId,
      actor: DELIVERY_FINISHED_POLICY,
      command: { type: 'DecideCancellation', data: { ...ref, accepted: true } },
    });
  }
  return run({
    streamId: market.streamId,
    actor: DELIVERY_FINISHED_POLICY,
    command: { type: 'RecordDeliveryFinished', data: { ...ref, finishedAt: p.deliveredAt } },
  });
}

/**
 * apps/courier-tracking/src/deliveries/cancel-delivery-on-marketplace-cancellation/cancel-delivery.policy.ts (P2/P3):
 * Market cancelled → cancel the delivery.
 */
export function cancelDeliveryPolicy(
  message: SimMessage,
  deliveryExists: (orderId: string) => boolean,
): Decision<CancelDeliveryForMarketplace> {
  const p = message.payload as { platformOrderId: string; cause: string };
  if (!deliveryExists(p.platformOrderId)) return ignore(`no delivery ${p.platformOrderId}`);
  return run({
    streamId: `delivery-${p.platformOrderId}`,
    actor: 'policy:cancel-delivery',
    command: { type: 'CancelDeliveryForMarketplace', data: { cause: p.cause } },
  });
}

/** apps/intake/src/external-orders/cancel-on-marketplace-cancellation/marketplace-cancellation.policy.ts: accepted or expired → cancel the intake order. */
export function cancelIntakeOrderPolicy(
  message: SimMessage,
  orderCompany: (orderId: string) => string | undefined,
): Decision<CancelExternalOrder> {
  const p = message.payload as { platformOrderId: string; companyId: string; requestId: string };
  const company = orderCompany(p.platformOrderId);
  // Not received yet: cancelled all the same (the decider keeps it for the order's arrival, finding F2).
  if (company !== undefined && company !== p.companyId)
    return ignore(`intake order ${p.platformOrderId} is not of company ${p.companyId}`);
  const cause =
    message.type === 'CancellationAccepted' ? 'MARKETPLACE_CANCELLATION_ACCEPTED' : 'MARKETPLACE_CANCELLATION_EXPIRED';
  return run({
    streamId: `external_order-${p.platformOrderId}`,
    actor: 'policy:marketplace-cancellation',
    command: {
      type: 'CancelExternalOrder',
      data: { companyId: p.companyId, orderId: p.platformOrderId, cause, cancellationRef: p.requestId },
    },
  });
}
