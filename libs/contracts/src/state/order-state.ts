import { DELIVERY_STATUSES } from '../courier/delivery-events';
import { MARKET_ORDER_STATUSES, REJECTION_REASONS } from '../marketplace';
import { defineMessage, type PayloadOf } from '../message-definition';
import {
  boolean, currency, dateTime, identifier, integer, minorUnits, object, oneOfValues, orderScopedFields,
  orNull, text,
} from '../schema-kit';
import { TOPIC } from '../topics';

/*
 * The latest combined state of one order on the compacted `orders.state.v1`, keyed by order id: after compaction a
 * downstream service reading from the beginning gets exactly one record per live order. An erased order's key
 * gets a tombstone (null value), which compaction eventually removes with the older records.
 */

export const INTAKE_ORDER_STATUSES = ['AWAITING', 'CREATED', 'ACCEPTED', 'ON_WAY', 'ARCHIVED', 'DELETED', 'CANCELLED'] as const;
export const CANCELLATION_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED', 'EXPIRED'] as const;

export const orderStateV1 = defineMessage({
  name: 'OrderState', version: 1, topic: TOPIC.orderState, keyField: 'orderId', personalData: 'none',
  summary: 'Latest combined state of one order across intake, courier-tracking and marketplace-cancellations.',
  schema: object({
    required: {
      ...orderScopedFields(),
      version: integer('Grows with every change of this order; a consumer ignores a record older than the one it holds', 1),
      updatedAt: dateTime('Time of the last event folded in'),
      lastEventId: identifier('Id of the last event folded in'),
      lastEventType: text('Type of the last event folded in', 128),
      intake: orNull(object({
        description: 'The intake order, when the order came through intake',
        required: {
          status: oneOfValues('Intake status', INTAKE_ORDER_STATUSES),
          source: text('Channel', 64),
          externalId: identifier('Id in the source system'),
          amountMinor: minorUnits('Total in minor units'),
          currency: currency(),
        },
      })),
      delivery: orNull(object({
        description: 'The delivery, once created',
        required: {
          deliveryId: identifier('Delivery id'),
          status: oneOfValues('Delivery status', DELIVERY_STATUSES),
          closed: boolean('Closed (paid and delivered, iiko close time set)'),
          deliveredAt: orNull(dateTime('Actual deliver time')),
        },
      })),
      marketplace: orNull(object({
        description: 'The marketplace order, when the order came from Market',
        required: {
          campaignId: integer('Market campaign id', 1),
          marketOrderId: integer('Market order id', 0),
          status: oneOfValues('Market status', MARKET_ORDER_STATUSES),
          cancellation: orNull(object({
            description: 'The latest buyer cancellation request',
            required: {
              requestId: identifier('Request id'),
              status: oneOfValues('Request status', CANCELLATION_STATUSES),
              deadlineAt: dateTime('Decision deadline'),
              rejectionReason: orNull(oneOfValues('Why it was rejected', REJECTION_REASONS)),
            },
          })),
        },
      })),
    },
  }),
  example: {
    orderId: '0192f5a0-7c1e-7000-8000-000000000001', tenantId: 'company-1', version: 4,
    updatedAt: '2026-11-23T11:20:00Z', lastEventId: '0192f5a0-7c1e-7000-8000-0000000000aa', lastEventType: 'DeliveryFinished',
    intake: { status: 'ON_WAY', source: 'site', externalId: 'A1', amountMinor: 90000, currency: 'RUB' },
    delivery: { deliveryId: 'delivery-1', status: 'finished', closed: false, deliveredAt: '2026-11-23T11:20:00Z' },
    marketplace: null,
  },
});

export type OrderStateV1 = PayloadOf<typeof orderStateV1>;

export const ORDER_STATE_MESSAGES = [orderStateV1] as const;
