import { SERVICE_TYPES } from '../intake/external-orders';
import { defineMessage, type PayloadOf } from '../message-definition';
import {
  arrayOf, boolean, dateTime, identifier, integer, minorUnits, object, oneOfValues, orderScopedFields, 
  orNull, personalDataRef, text,
} from '../schema-kit';
import { TOPIC } from '../topics';

/*
 * Public events of courier-tracking's Delivery on `courier.delivery-events.v1`, keyed by order id (a delivery has
 * the order id of the intake order it was created for). Statuses and initiators are Track & Trace's. To keep one
 * fact one message, terminal transitions are their own events (DeliveryFinished, DeliveryCancelled) and
 * DeliveryStatusChanged carries the others (confirmed, postponed, and an undone delivery going back).
 */

export const DELIVERY_STATUSES = ['new', 'confirmed', 'finished', 'partially_finished', 'cancelled', 'postponed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const STATUS_INITIATORS = ['yandex', 'app', 'user_api'] as const;
export type StatusInitiator = (typeof STATUS_INITIATORS)[number];
export const PAYMENT_TYPES = ['cash', 'card', 'prepaid', 'yandex_pay'] as const;
export const PAYMENT_STATUSES = ['paid', 'unpaid'] as const;

const topic = TOPIC.deliveryEvents;
const keyField = 'orderId';

/** The delivery an example refers to (examples document the types in AsyncAPI). */
const exampleDelivery = { orderId: '0192f5a0-7c1e-7000-8000-000000000001', tenantId: 'company-1', deliveryId: 'delivery-1' } as const;

const deliveryScopedFields = () => ({
  ...orderScopedFields(),
  deliveryId: identifier('Delivery id in courier-tracking'),
});

const status = (description: string) => oneOfValues(description, DELIVERY_STATUSES);
const initiator = () => oneOfValues('Who changed it: yandex (automatic detection), app (courier app), user_api', STATUS_INITIATORS);

export const deliveryCreatedV1 = defineMessage({
  name: 'DeliveryCreated', version: 1, topic, keyField, personalData: 'reference',
  summary: 'A delivery was created (Track & Trace ORDER_CREATED), status new.',
  schema: object({
    required: {
      ...deliveryScopedFields(),
      number: text('Track & Trace order number, unique per company', 80),
      createdAt: dateTime('When it was created'),
      serviceType: oneOfValues('Courier delivery or pickup', SERVICE_TYPES),
      timeInterval: text('Delivery interval as given, e.g. 11-12 or an ISO 8601 interval', 128),
      timeIntervalSecs: { ...arrayOf(integer('Seconds from midnight of the route date', 0), '[start, end] in seconds', { min: 2, max: 2 }) },
      timeWindow: orNull(object({ required: { start: dateTime('Window start'), end: dateTime('Window end') } })),
      timeZone: text('IANA time zone of the depot, e.g. Europe/Moscow', 64),
      routeId: orNull(identifier('Route, when assigned')),
      depotId: orNull(identifier('Depot, when known')),
      paymentType: orNull(oneOfValues('Payment type', PAYMENT_TYPES)),
      paymentStatus: orNull(oneOfValues('Payment status', PAYMENT_STATUSES)),
      amountMinor: orNull(minorUnits('Amount to collect in minor units')),
      personalDataRef: personalDataRef(),
    },
  }),
  example: {
    ...exampleDelivery, number: 'A1',
    createdAt: '2026-11-23T10:02:01Z', serviceType: 'courier', timeInterval: '11-12', timeIntervalSecs: [39600, 43200],
    timeWindow: { start: '2026-11-23T11:00:00+03:00', end: '2026-11-23T12:00:00+03:00' }, timeZone: 'Europe/Moscow',
    routeId: null, depotId: null, paymentType: 'card', paymentStatus: 'unpaid', amountMinor: 90000,
    personalDataRef: '0192f5a0-7c1e-7000-8000-000000000001',
  },
});

export type DeliveryCreatedV1 = PayloadOf<typeof deliveryCreatedV1>;

const NON_TERMINAL_TARGETS = ['new', 'confirmed', 'postponed'] as const;

export const deliveryStatusChangedV1 = defineMessage({
  name: 'DeliveryStatusChanged', version: 1, topic, keyField, personalData: 'none',
  summary: 'A non-terminal status change (confirmed, postponed, or back from finished when a delivery is undone).',
  schema: object({
    required: {
      ...deliveryScopedFields(),
      from: status('Status before'),
      to: oneOfValues('Status after (terminal statuses have their own events)', NON_TERMINAL_TARGETS),
      initiator: initiator(),
      changedAt: dateTime('When it changed'),
    },
  }),
  example: {
    ...exampleDelivery, from: 'new', to: 'confirmed', initiator: 'app', changedAt: '2026-11-23T10:10:00Z',
  },
});

export type DeliveryStatusChangedV1 = PayloadOf<typeof deliveryStatusChangedV1>;

export const deliveryFinishedV1 = defineMessage({
  name: 'DeliveryFinished', version: 1, topic, keyField, personalData: 'none',
  summary: 'The order was delivered (fully or partially). A pending buyer cancellation is then rejected with ORDER_DELIVERED.',
  schema: object({
    required: {
      ...deliveryScopedFields(),
      status: oneOfValues('Terminal delivered status', ['finished', 'partially_finished']),
      deliveredAt: dateTime('Actual deliver time'),
      initiator: initiator(),
      automatic: boolean('Detected from the courier\'s dwell inside the radius (R-YC-1), not marked by a person'),
    },
  }),
  example: {
    ...exampleDelivery, status: 'finished', deliveredAt: '2026-11-23T11:20:00Z', initiator: 'yandex', automatic: true,
  },
});

export type DeliveryFinishedV1 = PayloadOf<typeof deliveryFinishedV1>;

export const DELIVERY_CANCEL_CAUSES = ['MARKETPLACE_CANCELLATION', 'COURIER', 'OPERATOR'] as const;

export const deliveryCancelledV1 = defineMessage({
  name: 'DeliveryCancelled', version: 1, topic, keyField, personalData: 'none',
  summary: 'The delivery was cancelled; terminal.',
  schema: object({
    required: {
      ...deliveryScopedFields(),
      cancelledAt: dateTime('When it was cancelled'),
      initiator: initiator(),
      cause: oneOfValues('What cancelled it', DELIVERY_CANCEL_CAUSES),
    },
  }),
  example: {
    ...exampleDelivery, cancelledAt: '2026-11-23T10:40:00Z', initiator: 'user_api', cause: 'MARKETPLACE_CANCELLATION',
  },
});

export type DeliveryCancelledV1 = PayloadOf<typeof deliveryCancelledV1>;

export const deliveryClosedV1 = defineMessage({
  name: 'DeliveryClosed', version: 1, topic, keyField, personalData: 'none',
  summary: 'A paid, delivered courier delivery was closed (iiko SetDeliveryCloseTime(t)).',
  schema: object({ required: { ...deliveryScopedFields(), closeTime: dateTime('Close time set') } }),
  example: {
    ...exampleDelivery, closeTime: '2026-11-23T12:00:00Z',
  },
});

export type DeliveryClosedV1 = PayloadOf<typeof deliveryClosedV1>;

export const deliveryReopenedV1 = defineMessage({
  name: 'DeliveryReopened', version: 1, topic, keyField, personalData: 'none',
  summary: 'A closed delivery was reopened to delivered (iiko SetDeliveryCloseTime(null)).',
  schema: object({
    required: {
      ...deliveryScopedFields(),
      previousCloseTime: dateTime('The close time that was cleared'),
      reopenedAt: dateTime('When it was reopened'),
    },
  }),
  example: {
    ...exampleDelivery, previousCloseTime: '2026-11-23T12:00:00Z', reopenedAt: '2026-11-23T12:05:00Z',
  },
});

export type DeliveryReopenedV1 = PayloadOf<typeof deliveryReopenedV1>;

export const deliveryErasedV1 = defineMessage({
  name: 'DeliveryErased', version: 1, topic, keyField, personalData: 'none',
  summary: 'The delivery was deleted and its personal data erased (key destroyed); consumers drop what they derived from it.',
  schema: object({
    required: {
      ...deliveryScopedFields(),
      erasedAt: dateTime('When it was deleted'),
      finalStatus: status('Status it had when deleted'),
    },
  }),
  example: {
    ...exampleDelivery, erasedAt: '2026-11-24T09:00:00Z', finalStatus: 'finished',
  },
});

export type DeliveryErasedV1 = PayloadOf<typeof deliveryErasedV1>;

export const DELIVERY_MESSAGES = [
  deliveryCreatedV1, deliveryStatusChangedV1, deliveryFinishedV1, deliveryCancelledV1, deliveryClosedV1,
  deliveryReopenedV1, deliveryErasedV1,
] as const;
