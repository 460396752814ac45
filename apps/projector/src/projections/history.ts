import { findMessage } from '@orders/contracts';
import type { IntegrationEvent } from './integration-event';

const MARKET = { campaignId: 12345 };

/** The catalogue's example payload: fills the fields a history does not care about, so every event is valid. */
const exampleOf = (topic: string, type: string): Record<string, unknown> =>
  (findMessage(topic, type, 1)?.example ?? {}) as Record<string, unknown>;

/**
 * A deterministic, plausible cross-service history for `count` orders (tests and the benchmark): every order is
 * received and accepted; most get a delivery, some finish, some see a buyer cancellation, a few are erased.
 * Times grow from `start`; ids are derived from the order number, so two calls give the same events. Payloads
 * satisfy the published contracts (the catalogue's examples fill the fields not set here).
 */
export function syntheticHistory(
  count: number,
  options: { prefix?: string; tenants?: number; start?: number } = {},
): IntegrationEvent[] {
  const prefix = options.prefix ?? 'order';
  const tenants = options.tenants ?? 5;
  let clock = options.start ?? Date.UTC(2026, 10, 23, 8, 0, 0);
  const events: IntegrationEvent[] = [];
  for (let n = 0; n < count; n += 1) {
    const orderId = `${prefix}-${n}`;
    const tenantId = `company-${n % tenants}`;
    let step = 0;
    const add = (type: string, topic: string, payload: Record<string, unknown>, causationId: string | null = null) => {
      clock += 1000;
      step += 1;
      const eventId = `${orderId}-e${step}`;
      events.push({
        eventId,
        type,
        schemaVersion: 1,
        topic,
        orderId,
        tenantId,
        occurredAt: new Date(clock).toISOString(),
        correlationId: orderId,
        causationId,
        payload: { ...exampleOf(topic, type), ...payload, orderId, tenantId },
      });
      return eventId;
    };
    const intake = 'intake.order-events.v1';
    const courier = 'courier.delivery-events.v1';
    const market = 'marketplace.cancellation-events.v1';
    add('ExternalOrderReceived', intake, {
      source: 'site',
      externalId: `X${n}`,
      amountMinor: 1000 + n,
      currency: 'RUB',
    });
    const acceptedId = add('ExternalOrderAccepted', intake, {
      acceptedBy: `operator-${n % 3}`,
      amountMinor: 1000 + n,
      currency: 'RUB',
    });
    if (n % 7 === 6) continue;
    const deliveryId = `delivery-${n}`;
    const createdId = add('DeliveryCreated', courier, { deliveryId }, acceptedId);
    if (n % 4 === 1)
      add('CancellationRequested', market, {
        ...MARKET,
        marketOrderId: n,
        requestId: `request-${n}`,
        deadlineAt: new Date(clock + 172_800_000).toISOString(),
        orderStatusAtRequest: 'DELIVERY',
      });
    if (n % 3 !== 2) {
      const finishedId = add(
        'DeliveryFinished',
        courier,
        { deliveryId, status: 'finished', deliveredAt: new Date(clock).toISOString(), initiator: 'app' },
        createdId,
      );
      if (n % 4 === 1)
        add(
          'CancellationRejected',
          market,
          {
            ...MARKET,
            marketOrderId: n,
            requestId: `request-${n}`,
            reason: 'ORDER_DELIVERED',
            decidedBy: 'policy:delivery-finished',
          },
          finishedId,
        );
      if (n % 11 === 10) add('DeliveryErased', courier, { deliveryId, finalStatus: 'finished' });
    } else if (n % 4 === 1) {
      const acceptedCancel = add('CancellationAccepted', market, {
        ...MARKET,
        marketOrderId: n,
        requestId: `request-${n}`,
        decidedBy: 'operator-1',
      });
      add(
        'DeliveryCancelled',
        courier,
        { deliveryId, initiator: 'user_api', cause: 'MARKETPLACE_CANCELLATION' },
        acceptedCancel,
      );
      add('ExternalOrderCancelled', intake, { cause: 'MARKETPLACE_CANCELLATION' }, acceptedCancel);
    }
  }
  return events;
}
