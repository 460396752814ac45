import { defineMessage, type PayloadOf } from '../message-definition';
import {
  boolean, currency, dateTime, identifier, minorUnits, object, oneOfValues, orderScopedFields, orNull,
  personalDataRef, text,
} from '../schema-kit';
import { TOPIC } from '../topics';
import { SERVICE_TYPES } from './external-orders';
import { orderItemsSchema } from './order-items';

/*
 * Public events of intake's ExternalOrder on `intake.order-events.v1`, keyed by order id. They are mapped from
 * intake's domain events (which stay internal); no personal data: the customer is `personalDataRef`.
 */

/** The order an example refers to (examples document the types in AsyncAPI). */
const exampleOrder = { orderId: '0192f5a0-7c1e-7000-8000-000000000001', tenantId: 'company-1' } as const;

const topic = TOPIC.orderEvents;
const keyField = 'orderId';

export const externalOrderReceivedV1 = defineMessage({
  name: 'ExternalOrderReceived', version: 1, topic, keyField, personalData: 'reference',
  summary: 'A new external order waits for an operator (AWAITING, «Ожидает»).',
  schema: object({
    required: {
      ...orderScopedFields(),
      source: text('Channel the order came from', 64),
      externalId: identifier('Order id in the source system'),
      receivedAt: dateTime('When intake received it'),
      requestedTime: orNull(dateTime('Requested time; null for as soon as possible')),
      serviceType: oneOfValues('Courier delivery or pickup', SERVICE_TYPES),
      items: orderItemsSchema('Lines as received', 1),
      amountMinor: minorUnits('Total in minor units'),
      currency: currency(),
      personalDataRef: personalDataRef(),
    },
  }),
  example: {
    ...exampleOrder, source: 'site', externalId: 'A1',
    receivedAt: '2026-11-23T10:00:01Z', requestedTime: null, serviceType: 'courier',
    items: [{ name: 'Margherita', quantity: 2, priceMinor: 45000 }], amountMinor: 90000, currency: 'RUB',
    personalDataRef: '0192f5a0-7c1e-7000-8000-000000000001',
  },
});

export type ExternalOrderReceivedV1 = PayloadOf<typeof externalOrderReceivedV1>;

export const externalOrderAcceptedV1 = defineMessage({
  name: 'ExternalOrderAccepted', version: 1, topic, keyField, personalData: 'reference',
  summary: 'An operator accepted the order; the POS order is created empty. courier-tracking creates the delivery.',
  schema: object({
    required: {
      ...orderScopedFields(),
      acceptedBy: identifier('Operator who accepted'),
      acceptedAt: dateTime('When it was accepted'),
      posOrderRef: orNull(identifier('POS order (table) created for it, empty until the contents are confirmed (Carbis «Создан»)')),
      serviceType: oneOfValues('Courier delivery or pickup', SERVICE_TYPES),
      requestedTime: orNull(dateTime('Requested time; null for as soon as possible')),
      amountMinor: minorUnits('Total in minor units as received'),
      currency: currency(),
      personalDataRef: personalDataRef(),
    },
  }),
  example: {
    ...exampleOrder, acceptedBy: 'operator-7',
    acceptedAt: '2026-11-23T10:02:00Z', posOrderRef: 'Dlv.2', serviceType: 'courier', requestedTime: null,
    amountMinor: 90000, currency: 'RUB', personalDataRef: '0192f5a0-7c1e-7000-8000-000000000001',
  },
});

export type ExternalOrderAcceptedV1 = PayloadOf<typeof externalOrderAcceptedV1>;

export const externalOrderRejectedV1 = defineMessage({
  name: 'ExternalOrderRejected', version: 1, topic, keyField, personalData: 'none',
  summary: 'An operator rejected the order (Carbis «Удален»); terminal.',
  schema: object({
    required: {
      ...orderScopedFields(),
      rejectedBy: identifier('Operator who rejected'),
      rejectedAt: dateTime('When it was rejected'),
      reasonCode: { ...text('Reason code, e.g. GUEST_REFUSED (free-text comments stay in the encrypted record)', 64), pattern: '^[A-Z][A-Z0-9_]*$' },
    },
  }),
  example: {
    orderId: '0192f5a0-7c1e-7000-8000-000000000002', tenantId: 'company-1', rejectedBy: 'operator-7',
    rejectedAt: '2026-11-23T10:03:00Z', reasonCode: 'GUEST_REFUSED',
  },
});

export type ExternalOrderRejectedV1 = PayloadOf<typeof externalOrderRejectedV1>;

export const externalOrderContentsConfirmedV1 = defineMessage({
  name: 'ExternalOrderContentsConfirmed', version: 1, topic, keyField, personalData: 'none',
  summary: 'The contents were confirmed (or edited again) on the POS order (Carbis «Принят»).',
  schema: object({
    required: {
      ...orderScopedFields(),
      confirmedBy: identifier('Operator who confirmed'),
      confirmedAt: dateTime('When they were confirmed'),
      items: orderItemsSchema('Lines as confirmed', 1),
      amountMinor: minorUnits('Total in minor units as confirmed'),
      currency: currency(),
      changed: boolean('Whether the lines differ from those received'),
    },
  }),
  example: {
    ...exampleOrder, confirmedBy: 'operator-7',
    confirmedAt: '2026-11-23T10:05:00Z', items: [{ name: 'Margherita', quantity: 1, priceMinor: 45000 }],
    amountMinor: 45000, currency: 'RUB', changed: true,
  },
});

export type ExternalOrderContentsConfirmedV1 = PayloadOf<typeof externalOrderContentsConfirmedV1>;

export const externalOrderDispatchedV1 = defineMessage({
  name: 'ExternalOrderDispatched', version: 1, topic, keyField, personalData: 'none',
  summary: 'The order left with a courier (Carbis «В пути»).',
  schema: object({
    required: {
      ...orderScopedFields(),
      dispatchedAt: dateTime('When it was dispatched'),
      deliveryId: orNull(identifier('The courier-tracking delivery, when known')),
    },
  }),
  example: {
    ...exampleOrder, dispatchedAt: '2026-11-23T10:30:00Z',
    deliveryId: null,
  },
});

export type ExternalOrderDispatchedV1 = PayloadOf<typeof externalOrderDispatchedV1>;

export const externalOrderArchivedV1 = defineMessage({
  name: 'ExternalOrderArchived', version: 1, topic, keyField, personalData: 'none',
  summary: 'The order was archived (Carbis «Архив»); terminal.',
  schema: object({ required: { ...orderScopedFields(), archivedAt: dateTime('When it was archived') } }),
  example: { ...exampleOrder, archivedAt: '2026-11-23T12:00:00Z' },
});

export type ExternalOrderArchivedV1 = PayloadOf<typeof externalOrderArchivedV1>;

export const EXTERNAL_ORDER_CANCEL_CAUSES = ['MARKETPLACE_CANCELLATION', 'OPERATOR'] as const;

export const externalOrderCancelledV1 = defineMessage({
  name: 'ExternalOrderCancelled', version: 1, topic, keyField, personalData: 'none',
  summary: 'The order was cancelled, e.g. after the marketplace accepted or expired a buyer\'s cancellation; terminal.',
  schema: object({
    required: {
      ...orderScopedFields(),
      cancelledAt: dateTime('When it was cancelled'),
      cause: oneOfValues('What cancelled it', EXTERNAL_ORDER_CANCEL_CAUSES),
    },
  }),
  example: {
    ...exampleOrder, cancelledAt: '2026-11-23T11:00:00Z',
    cause: 'MARKETPLACE_CANCELLATION',
  },
});

export type ExternalOrderCancelledV1 = PayloadOf<typeof externalOrderCancelledV1>;

/** Every version of every intake message, in catalogue order. Add a new version here (keep the old one). */
export const INTAKE_MESSAGES = [
  externalOrderReceivedV1, externalOrderAcceptedV1, externalOrderRejectedV1, externalOrderContentsConfirmedV1,
  externalOrderDispatchedV1, externalOrderArchivedV1, externalOrderCancelledV1,
] as const;
