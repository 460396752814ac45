import type { IntegrationEvent } from './integration-event';

const TOPIC_OF_TYPE: Readonly<Record<string, string>> = {
  External: 'intake.order-events.v1',
  Delivery: 'courier.delivery-events.v1',
};

let counter = 0;

/** A test event: topic from the type's prefix, ids and times that grow with each call unless given. */
export function integrationEvent(type: string, payload: Record<string, unknown> = {}, overrides: Partial<IntegrationEvent> = {}): IntegrationEvent {
  counter += 1;
  const prefix = Object.keys(TOPIC_OF_TYPE).find((p) => type.startsWith(p));
  const eventId = overrides.eventId ?? `event-${String(counter).padStart(6, '0')}`;
  const orderId = overrides.orderId ?? 'order-1';
  return {
    eventId, type, schemaVersion: 1, topic: prefix ? (TOPIC_OF_TYPE[prefix] as string) : 'marketplace.cancellation-events.v1',
    orderId, tenantId: 'company-1', occurredAt: new Date(Date.UTC(2026, 10, 23, 10, 0, counter)).toISOString(),
    correlationId: orderId, causationId: null, payload: { orderId, tenantId: 'company-1', ...payload }, ...overrides,
  };
}

export const received = (o: Partial<IntegrationEvent> = {}) =>
  integrationEvent('ExternalOrderReceived', { source: 'site', externalId: 'A1', amountMinor: 90000, currency: 'RUB' }, o);
export const accepted = (o: Partial<IntegrationEvent> = {}) =>
  integrationEvent('ExternalOrderAccepted', { acceptedBy: 'operator-7', amountMinor: 90000, currency: 'RUB' }, o);
export const deliveryCreated = (o: Partial<IntegrationEvent> = {}) => integrationEvent('DeliveryCreated', { deliveryId: 'delivery-1' }, o);
export const deliveryFinished = (o: Partial<IntegrationEvent> = {}) =>
  integrationEvent('DeliveryFinished', { deliveryId: 'delivery-1', status: 'finished', deliveredAt: '2026-11-23T11:20:00.000Z', initiator: 'yandex' }, o);
export const deliveryErased = (o: Partial<IntegrationEvent> = {}) =>
  integrationEvent('DeliveryErased', { deliveryId: 'delivery-1', finalStatus: 'finished' }, o);
const market = { campaignId: 12345, marketOrderId: 987 };
export const cancellationRequested = (o: Partial<IntegrationEvent> = {}) =>
  integrationEvent('CancellationRequested', { ...market, requestId: 'request-1', deadlineAt: '2026-11-25T10:30:00.000Z', orderStatusAtRequest: 'DELIVERY' }, o);
export const cancellationRejected = (o: Partial<IntegrationEvent> = {}) =>
  integrationEvent('CancellationRejected', { ...market, requestId: 'request-1', reason: 'ORDER_DELIVERED', decidedBy: 'policy:delivery-finished' }, o);
