import { defineMessage, type PayloadOf } from '../message-definition';
import { arrayOf, dateTime, geoPoint, identifier, type Infer, integer, number, object } from '../schema-kit';
import { TOPIC } from '../topics';

export const MAX_POSITIONS_PER_BATCH = 1000;

/** One point as Track & Trace's push-positions-v3 takes it. */
export const courierPositionSchema = object({
  description: 'One position (push-positions-v3)',
  required: {
    point: geoPoint('Where the courier was'),
    accuracy: integer('Accuracy in metres', 0),
    timestamp: number('UTC seconds since the epoch (device time)', 0),
  },
  optional: {
    heading: number('Heading in degrees (not used yet, as in Track & Trace)', 0, 360),
    speed: number('Speed in m/s (not used yet, as in Track & Trace)', 0),
  },
});

export type CourierPosition = Infer<typeof courierPositionSchema>;

/**
 * A batch of courier positions on `courier.positions.v1`, keyed by courier so one courier's points stay in order.
 * Mirrors `POST /couriers/{courier_id}/routes/{route_id}/push-positions-v3` (`{positions: [...]}`), with the path
 * parameters in the payload. Duplicated points (same courier and timestamp) are ignored by the consumer.
 */
export const courierPositionsReportedV1 = defineMessage({
  name: 'CourierPositionsReported', version: 1, topic: TOPIC.courierPositions, keyField: 'courierId',
  personalData: 'none',
  summary: 'A courier app (or the position push API) reports a batch of the courier\'s positions on a route.',
  schema: object({
    required: {
      tenantId: identifier('Company (tenant) of the courier'),
      courierId: identifier('Courier id; the Kafka key'),
      routeId: identifier('Route the courier is driving'),
      positions: arrayOf(courierPositionSchema, 'Positions, any order (the consumer sorts by timestamp)', { min: 1, max: MAX_POSITIONS_PER_BATCH }),
    },
    optional: { receivedAt: dateTime('When the batch was received from the device') },
  }),
  example: {
    tenantId: 'company-1', courierId: 'courier-42', routeId: 'route-7',
    positions: [{ point: { lat: 55.7558, lon: 37.6173 }, accuracy: 10, timestamp: 1795514400 }],
  },
});

export type CourierPositionsReportedV1 = PayloadOf<typeof courierPositionsReportedV1>;

export const COURIER_POSITION_MESSAGES = [courierPositionsReportedV1] as const;
