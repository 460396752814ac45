import { isUtf8 } from 'node:buffer';
import { HEADER, MAX_VALUE_BYTES, REQUIRED_HEADERS } from '@orders/contracts';
import type { TrackPoint } from '@orders/delivery-domain';
import type { StreamMessage } from '@orders/messaging';
import { MAX_POSITIONS_PER_BATCH } from './push-positions.request.dto';

// Read once: the contracts module re-exports HEADER through a getter, and this runs for every message.
const EVENT_TYPE = HEADER.eventType;
const SCHEMA_VERSION = HEADER.schemaVersion;

/** What the detector needs of a `CourierPositionsReported` v1 message. */
export interface PositionsBatch {
  readonly tenantId: string;
  readonly courierId: string;
  readonly routeId: string;
  readonly points: TrackPoint[];
}

export type PositionsDecode = { readonly ok: true; readonly batch: PositionsBatch } | { readonly ok: false; readonly reason: string };

// As the contract's schema-kit: identifiers are opaque strings of 1..128 characters; objects are open (a later
// optional field is a compatible change), except the point, which is closed. As the contract decoder (text-rules):
// no NUL (PostgreSQL refuses it: the route lookup failed and the batch was retried for ever) and no lone surrogate.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isIdentifier = (value: unknown): value is string => typeof value === 'string' && value.length >= 1 && value.length <= 128
  && !value.includes('\u0000') && !LONE_SURROGATE.test(value);
const isNumberIn = (value: unknown, min: number, max: number): value is number => typeof value === 'number' && value >= min && value <= max;

/** The point object is closed: lat and lon only (counted without the array Object.keys would allocate). */
function hasTwoKeys(object: object): boolean {
  let keys = 0;
  for (const key in object) if (Object.hasOwn(object, key) && ++keys > 2) return false;
  return keys === 2;
}

/** The envelope's type and version, checked on the header bytes (no strings made for the common case). */
export const isPositionsV1 = (message: Pick<StreamMessage, 'headerEquals'>): boolean =>
  message.headerEquals(EVENT_TYPE, 'CourierPositionsReported') && message.headerEquals(SCHEMA_VERSION, '1');

// The envelope headers every message must carry (the contract's REQUIRED_HEADERS); their form is checked for every
// message by the messaging library before the handler, their presence here (property lookups, nothing decoded).
const REQUIRED = REQUIRED_HEADERS;

/** Why the envelope is incomplete (a dead letter's reason, classified malformed as the catalogue decoder does), or undefined. */
export function missingEnvelope(message: Pick<StreamMessage, 'rawHeaders'>): string | undefined {
  for (const name of REQUIRED) {
    const value = message.rawHeaders?.[name];
    if (value === undefined || value.length === 0) return `missing ${name} header`;
  }
  return undefined;
}

/** Why a message is not a CourierPositionsReported v1 (the dead letter's reason). */
export const envelopeMismatch = (message: Pick<StreamMessage, 'header'>): string =>
  `unexpected ${message.header(EVENT_TYPE) ?? 'untyped'} v${message.header(SCHEMA_VERSION) ?? '?'}`;

/**
 * How a message that is not CourierPositionsReported v1 is parked: a later version of it is a producer ahead of this
 * consumer (`unknown-version`, redriven after an upgrade), anything else a type this topic does not carry.
 */
export const mismatchClassification = (message: Pick<StreamMessage, 'headerEquals' | 'header'>): 'unknown-type' | 'unknown-version' =>
  message.headerEquals(EVENT_TYPE, 'CourierPositionsReported') && /^[1-9][0-9]{0,5}$/.test(message.header(SCHEMA_VERSION) ?? '')
    ? 'unknown-version' : 'unknown-type';

/**
 * The hot-path decoder of a `courier.positions.v1` value (its envelope checked by isPositionsV1 first): the same rules as the contract's JSON schema
 * (`courierPositionsReportedV1` in @orders/contracts; a spec checks that both agree), written out by hand because
 * this topic carries thousands of messages per second and a generic validator costs several times the JSON parse.
 */
export function decodePositions(value: Buffer | null): PositionsDecode {
  if (value === null) return { ok: false, reason: 'no value' };
  if (value.length > MAX_VALUE_BYTES) return { ok: false, reason: `value larger than ${MAX_VALUE_BYTES} bytes` };
  // strict: a lossy decoding would hand the detector ids with replacement characters instead of refusing them
  if (!isUtf8(value)) return { ok: false, reason: 'value is not UTF-8' };
  let payload: unknown;
  try {
    payload = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, reason: 'payload is not an object' };
  const { tenantId, courierId, routeId, positions, receivedAt } = payload as Record<string, unknown>;
  if (!isIdentifier(tenantId)) return { ok: false, reason: 'tenantId' };
  if (!isIdentifier(courierId)) return { ok: false, reason: 'courierId' };
  if (!isIdentifier(routeId)) return { ok: false, reason: 'routeId' };
  if (receivedAt !== undefined && (typeof receivedAt !== 'string' || Number.isNaN(Date.parse(receivedAt)))) return { ok: false, reason: 'receivedAt' };
  if (!Array.isArray(positions) || positions.length < 1 || positions.length > MAX_POSITIONS_PER_BATCH) return { ok: false, reason: 'positions' };
  const points: TrackPoint[] = [];
  for (const position of positions as unknown[]) {
    if (typeof position !== 'object' || position === null || Array.isArray(position)) return { ok: false, reason: 'position' };
    const { point, accuracy, timestamp, heading, speed } = position as Record<string, unknown>;
    if (typeof point !== 'object' || point === null || Array.isArray(point)) return { ok: false, reason: 'point' };
    const { lat, lon } = point as Record<string, unknown>;
    if (!hasTwoKeys(point) || !isNumberIn(lat, -90, 90) || !isNumberIn(lon, -180, 180)) return { ok: false, reason: 'point' };
    if (!Number.isInteger(accuracy) || (accuracy as number) < 0) return { ok: false, reason: 'accuracy' };
    if (!isNumberIn(timestamp, 0, Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'timestamp' };
    if (heading !== undefined && !isNumberIn(heading, 0, 360)) return { ok: false, reason: 'heading' };
    if (speed !== undefined && !isNumberIn(speed, 0, Number.MAX_VALUE)) return { ok: false, reason: 'speed' };
    points.push({ lat, lon, timestamp });
  }
  return { ok: true, batch: { tenantId, courierId, routeId, points } };
}
