import { orderStateV1 } from '@orders/contracts';
import { openApi30Schema } from '@orders/service-kit';
import { SUMMARY_STATUSES } from '../projections/order-state';

// The audit's answer as the OpenAPI document shows it; the state is the orders.state.v1 contract's.

const state = openApi30Schema(orderStateV1.schema) as Record<string, unknown>;

const timelineEntry = {
  type: 'object',
  required: [
    'eventId',
    'type',
    'source',
    'actor',
    'occurredAt',
    'causationId',
    'correlationId',
    'position',
    'topic',
    'partition',
    'offset',
    'payload',
  ],
  properties: {
    eventId: { type: 'string', example: '0192f5a0-7c1e-7000-8000-0000000000aa' },
    type: { type: 'string', example: 'DeliveryFinished' },
    source: { type: 'string', example: 'courier-tracking' },
    actor: { type: 'string', example: 'dispatcher-a' },
    occurredAt: { type: 'string', format: 'date-time' },
    causationId: { type: 'string', nullable: true },
    correlationId: { type: 'string' },
    position: { type: 'string', description: "Arrival order in the projector's journal (a bigint as a string)" },
    topic: { type: 'string', example: 'courier.delivery-events.v1' },
    partition: { type: 'integer', minimum: 0 },
    offset: { type: 'string', description: 'Kafka offset (a bigint as a string)' },
    payload: { type: 'object', additionalProperties: true, description: "The event's payload as its contract has it" },
  },
};

export const AUDIT_ANSWER = {
  schema: {
    type: 'object',
    required: ['orderId', 'asOf', 'timeline', 'state', 'status', 'erased'],
    properties: {
      orderId: { type: 'string', example: orderStateV1.example.orderId },
      asOf: { type: 'string', format: 'date-time', nullable: true, description: 'null: now' },
      timeline: { type: 'array', items: timelineEntry, description: 'Every event of the order, in causal order' },
      state: { ...state, nullable: true },
      status: { type: 'string', enum: [...SUMMARY_STATUSES, null], nullable: true },
      erased: { type: 'boolean' },
    },
  },
  example: {
    orderId: orderStateV1.example.orderId,
    asOf: null,
    state: orderStateV1.example,
    status: 'DELIVERED',
    erased: false,
    timeline: [
      {
        eventId: '0192f5a0-7c1e-7000-8000-0000000000aa',
        type: 'DeliveryFinished',
        source: 'courier-tracking',
        actor: 'dispatcher-a',
        occurredAt: '2026-11-23T11:20:00.000Z',
        causationId: null,
        correlationId: '0192f5a0-7c1e-7000-8000-0000000000ab',
        position: '42',
        topic: 'courier.delivery-events.v1',
        partition: 2,
        offset: '17',
        payload: { orderId: orderStateV1.example.orderId, status: 'finished' },
      },
    ],
  },
};
