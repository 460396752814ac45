import type { Event } from '@orders/decider-kit';
import type { DeliveryStatus, EtaType, Initiator, PaymentStatus, PaymentType, ServiceType } from './validation';

// Stored events of the Delivery stream: a format, so fields are only ever added (upcast if that changes).
// Schema version 2 of DeliveryCreated, DeliveryUpdated and DeliveryPaid stores money as integer minor units
// (`amount_minor`) and coordinates only as `located`; version-1 events are upcast by the store (delivery.upcasters.ts),
// so `evolve` and every reader see this shape only.
// No personal data in clear: name, phone, address, comments and the coordinates live in the sealed record that
// `pii_ref` names; the courier's positions are stored as tokens sealed with that record's key (StoredPosition).

/** The order model without personal data, as stored and as the decisions need it. */
export interface DeliveryFacts {
  readonly number: string;
  readonly customer_number: string | null;
  readonly description: string | null;
  /**
   * Whether the sealed record holds both lat and lon (false only for a delivery our intake policy created before anyone
   * located it: no visit detection until set). The numbers themselves are personal data and never in an event.
   */
  readonly located: boolean;
  readonly time_interval: string;
  readonly time_interval_secs: readonly [number, number];
  readonly time_window: { readonly start: string; readonly end: string };
  readonly time_zone: string;
  readonly route_id: string | null;
  readonly depot_id: string | null;
  /** Amount to collect, in kopecks (Track & Trace's `amount` is rubles: see money.ts). */
  readonly amount_minor: number | null;
  readonly payment_type: PaymentType | null;
  readonly payment_status: PaymentStatus | null;
  readonly service_type: ServiceType;
  readonly service_duration_s: number;
  readonly shared_service_duration_s: number;
  readonly mark_delivered_radius: number | null;
  readonly eta_type: EtaType | null;
  readonly volume: number | null;
  readonly weight: number | null;
  readonly shared_with_company_ids: readonly (string | number)[];
}

/**
 * What events written before the coordinates were sealed carried instead of `located`: the numbers in clear. Never
 * written any more. The upcaster derives `located` from them and keeps them apart under `legacy_coordinates`, which
 * `evolve` ignores: the state never holds them; the order view shows them while the sealed record lacks coordinates.
 */
export interface LegacyCoordinates {
  readonly lat?: number | null;
  readonly lon?: number | null;
  readonly refined_lat?: number | null;
  readonly refined_lon?: number | null;
}

/** A point on the map, in clear: what decisions take and produce. */
export interface Point {
  readonly lat: number;
  readonly lon: number;
}

/** Where the courier was, as decided (in clear). */
export interface Position extends Point {
  readonly time: string;
}

/**
 * A courier's position as stored. Near the door it locates the customer's home, so the application seals the numbers
 * with the order's personal-data key before appending: `sealed` is that token (opening it yields a Point; after
 * erasure nothing does). Events written before carry `lat` and `lon` in clear instead. `time` stays in clear: evolve
 * needs it, and alone it places nobody.
 */
export interface StoredPosition {
  readonly time: string;
  readonly sealed?: string;
  readonly lat?: number;
  readonly lon?: number;
}

export type DeliveryCreated = Event<
  'DeliveryCreated',
  DeliveryFacts & {
    readonly delivery_id: string;
    readonly company_id: string;
    readonly pii_ref: string;
    readonly status: DeliveryStatus;
    readonly initiator: Initiator;
    readonly at: string;
    /** Only on an upcast event written before the coordinates were sealed. */
    readonly legacy_coordinates?: LegacyCoordinates;
  }
>;
/** A PATCH of plain fields; `changes` holds only what changed. */
export type DeliveryUpdated = Event<
  'DeliveryUpdated',
  {
    readonly changes: Partial<DeliveryFacts>;
    readonly at: string;
    /** Only on an upcast event written before the coordinates were sealed: the coordinates that PATCH named. */
    readonly legacy_coordinates?: LegacyCoordinates;
  }
>;
/** Name, phone, address, comments or coordinates were resealed; the event names the fields, never the values. */
export type PersonalDataChanged = Event<
  'PersonalDataChanged',
  { readonly pii_ref: string; readonly fields: readonly string[]; readonly at: string }
>;
export type DeliveryIntervalChanged = Event<
  'DeliveryIntervalChanged',
  {
    readonly old_interval: string;
    readonly new_interval: string;
    readonly time_interval_secs: readonly [number, number];
    readonly time_window: { readonly start: string; readonly end: string };
    readonly at: string;
  }
>;
export type DeliveryStatusChanged = Event<
  'DeliveryStatusChanged',
  {
    readonly from: DeliveryStatus;
    readonly to: DeliveryStatus;
    readonly initiator: Initiator;
    readonly comment?: string;
    /** As decided, and in events written before points were sealed; stored now as `sealed_point` (a token of a Point). */
    readonly point?: Point;
    readonly sealed_point?: string;
    readonly at: string;
  }
>;
/** iiko ChangeDeliveryActualDeliverTime: null clears it (undo). */
export type DeliveryActualTimeSet = Event<
  'DeliveryActualTimeSet',
  { readonly actual_delivered_at: string | null; readonly at: string }
>;
/** iiko SetDeliveryUndelivered: finished goes back to `restored_status`. */
export type DeliveryUndone = Event<
  'DeliveryUndone',
  { readonly restored_status: DeliveryStatus; readonly initiator: Initiator; readonly at: string }
>;
/** `amount_minor` in kopecks, as paid (null when the payment named no amount). */
export type DeliveryPaid = Event<
  'DeliveryPaid',
  { readonly payment_type: PaymentType; readonly amount_minor: number | null; readonly paid_at: string }
>;
export type DeliveryClosed = Event<'DeliveryClosed', { readonly close_time: string; readonly at: string }>;
export type DeliveryReopened = Event<'DeliveryReopened', { readonly previous_close_time: string; readonly at: string }>;
// A decision's positions are in clear (Position); stored ones are sealed (StoredPosition, which a Position also is).
export type CourierArrived = Event<
  'CourierArrived',
  { readonly courier_id: string; readonly position: StoredPosition; readonly used_mark_delivered_radius: number }
>;
export type DeliveryVisited = Event<
  'DeliveryVisited',
  {
    readonly courier_id: string;
    readonly position: StoredPosition;
    readonly used_mark_delivered_radius: number;
    readonly dwell_s: number;
    readonly required_dwell_s: number;
  }
>;
export type CourierDeparted = Event<
  'CourierDeparted',
  {
    readonly courier_id: string;
    readonly position: StoredPosition;
    readonly used_mark_delivered_radius: number;
    readonly dwell_s: number;
  }
>;
/** Track & Trace START: the courier began the route this delivery is on (seen once per route on each of its deliveries). */
export type RouteStarted = Event<
  'RouteStarted',
  { readonly route_id: string; readonly courier_id: string; readonly position?: StoredPosition; readonly at: string }
>;
/** Track & Trace ORDER_BECAME_NEXT: the delivery is now the courier's next stop on the route. */
export type DeliveryBecameNext = Event<
  'DeliveryBecameNext',
  { readonly route_id: string; readonly courier_id: string; readonly at: string }
>;
/** Policy P2: the marketplace cancelled an order whose delivery had already ended; someone must look at it. */
export type DeliveryCancellationConflict = Event<
  'DeliveryCancellationConflict',
  { readonly cause: string; readonly status: DeliveryStatus; readonly at: string }
>;
export type DeliveryDeleted = Event<
  'DeliveryDeleted',
  { readonly deleted_by: string; readonly final_status: DeliveryStatus; readonly at: string }
>;
export type PersonalDataErased = Event<
  'PersonalDataErased',
  { readonly pii_ref: string; readonly fields: readonly string[]; readonly at: string; readonly key_destroyed: true }
>;

export type DeliveryEvent =
  | DeliveryCreated
  | DeliveryUpdated
  | PersonalDataChanged
  | DeliveryIntervalChanged
  | DeliveryStatusChanged
  | DeliveryActualTimeSet
  | DeliveryUndone
  | DeliveryPaid
  | DeliveryClosed
  | DeliveryReopened
  | CourierArrived
  | DeliveryVisited
  | CourierDeparted
  | RouteStarted
  | DeliveryBecameNext
  | DeliveryCancellationConflict
  | DeliveryDeleted
  | PersonalDataErased;

export { COORDINATE_FIELDS, PERSONAL_DATA_FIELDS, type PersonalDataField } from './personal-data-fields';
