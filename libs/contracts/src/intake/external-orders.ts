import { defineMessage, type PayloadOf } from '../message-definition';
import { currency, dateTime, geoPoint, identifier, minorUnits, object, oneOfValues, orNull, patterned, text } from '../schema-kit';
import { TOPIC } from '../topics';
import { companyId } from '../ids';
import { orderItemsSchema } from './order-items';

export const SERVICE_TYPES = ['courier', 'pickup'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

/**
 * An external order submitted by an upstream system (web site, aggregator, marketplace) on
 * `intake.external-orders.v1`. The one message of ours that carries the customer's data in clear: it comes from
 * outside, and intake seals it into the per-order encrypted record before it appends `ExternalOrderReceived`.
 * Idempotent by (tenantId, source, externalId): the same payload again is a no-op, another payload a conflict.
 */
export const externalOrderSubmittedV1 = defineMessage({
  name: 'ExternalOrderSubmitted',
  version: 1,
  topic: TOPIC.externalOrders,
  keyField: 'externalId',
  summary: 'An upstream system submits an external online order for an operator to accept or reject.',
  personalData: 'inbound-clear',
  schema: object({
    closed: true,
    required: {
      tenantId: companyId('Company (tenant) the order is for'),
      source: patterned('Channel the order came from, e.g. site, aggregator, market', '^[a-z0-9][a-z0-9_-]*$'),
      externalId: identifier('Order id in the source system; unique per tenant and source'),
      submittedAt: dateTime('When the source system placed the order'),
      customer: object({
        closed: true, description: 'Personal data: sealed into the encrypted record on receipt',
        required: { name: text('Customer name', 1023), phone: patterned('Phone, E.164', E164_PATTERN, 16) },
      }),
      address: text('Delivery address (personal data); for pickup, the pickup point', 1023),
      requestedTime: orNull(dateTime('Requested delivery or pickup time (Carbis «Принят на время»); null for as soon as possible')),
      serviceType: oneOfValues('Courier delivery or pickup by the customer', SERVICE_TYPES),
      items: orderItemsSchema('Order lines as the customer placed them', 1),
      amountMinor: minorUnits('Order total in minor units'),
      currency: currency(),
    },
    optional: {
      location: geoPoint('Geocoded delivery address (personal data)'),
      comment: text('Customer comment (personal data)', 1023),
    },
  }),
  example: {
    tenantId: 'company-1', source: 'site', externalId: 'A1', submittedAt: '2026-11-23T10:00:00Z',
    customer: { name: 'Ivan Petrov', phone: '+79990001122' }, address: 'Tverskaya 1, apt 5',
    requestedTime: null, serviceType: 'courier',
    items: [{ sku: 'pizza-1', name: 'Margherita', quantity: 2, priceMinor: 45000 }], amountMinor: 90000, currency: 'RUB',
  },
});

export type ExternalOrderSubmittedV1 = PayloadOf<typeof externalOrderSubmittedV1>;
