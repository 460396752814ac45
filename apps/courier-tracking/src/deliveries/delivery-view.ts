import {
  COORDINATE_FIELDS,
  DeliveryEvent,
  DeliveryFacts,
  DeliveryStatus,
  HistoryItem,
  LegacyCoordinates,
  PERSONAL_DATA_FIELDS,
  StatusLogEntry,
  historyItemOf,
  statusCommentOf,
  statusLogEntryOf,
  toMajorUnits,
} from '@orders/delivery-domain';
import { iikoDeliveryStateOf } from './iiko/iiko-delivery-state';
import { trackAndTraceIds } from './reference-ids';
import { OpenPoint, shownHistoryItem, shownStatusLogEntry } from './sealed-positions';

/**
 * The Track & Trace order as this service shows it, without personal data (joined from the sealed record when a
 * request reads it, coordinates included). One pure fold, used by the delivery-detail projection and by single-order
 * reads alike. The coordinates are deliberately not copied into this read model (nor the route one): joining them
 * from the vault at read time keeps a rebuild correct by construction (the projection never needs the vault) and
 * makes erasure reach them with the key, instead of depending on a row being deleted. The courier's positions in
 * `history` and `status_log` are here as their events store them: tokens sealed with the order's key, opened per
 * response (sealed-positions.ts).
 */
export interface DeliveryView {
  readonly id: string;
  readonly company_id: string;
  readonly number: string;
  readonly customer_number: string | null;
  readonly description: string | null;
  /** The sealed record holds lat and lon. Absent on views folded from events older than sealed coordinates. */
  readonly located?: boolean;
  readonly route_id: string | null;
  readonly depot_id: string | null;
  /**
   * Rubles, as Track & Trace shows them (events hold kopecks: `amount_minor`). Kept in rubles here too, so views
   * stored before money was kept in kopecks read the same without a rebuild.
   */
  readonly amount: number | null;
  readonly payment_type: string | null;
  readonly payment_status: string | null;
  readonly service_type: string;
  readonly service_duration_s: number;
  readonly shared_service_duration_s: number;
  readonly mark_delivered_radius: number | null;
  readonly eta_type: string | null;
  readonly status: DeliveryStatus;
  readonly volume: number | null;
  readonly weight: number | null;
  readonly shared_with_company_ids: readonly (string | number)[];
  readonly time_interval: string;
  readonly time_interval_secs: readonly number[];
  readonly time_window: { readonly start: string; readonly end: string };
  readonly time_zone: string;
  readonly confirmed_at: string | null;
  readonly delivered_at: string | null;
  /** iiko: actual deliver time, close time (closed when set), payment recorded. */
  readonly actual_delivered_at: string | null;
  readonly close_time: string | null;
  readonly paid: boolean;
  readonly history: readonly HistoryItem[];
  readonly status_log: readonly StatusLogEntry[];
  readonly order_status_comments: readonly { readonly id: number; readonly status: string; readonly comment: string }[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly version: number;
  /** The sealed record holding customer_name, phone, address, comments and the coordinates. */
  readonly pii_ref: string;
}

/** A view folded from events written before the coordinates were sealed also holds their numbers (the log has them). */
export type StoredView = DeliveryView & LegacyCoordinates;

export type ViewChange =
  { readonly kind: 'upsert'; readonly view: DeliveryView } | { readonly kind: 'delete' } | { readonly kind: 'none' };

function withLogs(view: DeliveryView, event: DeliveryEvent): DeliveryView {
  const item = historyItemOf(event, view.time_zone);
  const entry = statusLogEntryOf(event);
  const comment = statusCommentOf(event);
  return {
    ...view,
    history: item ? [...view.history, item] : view.history,
    status_log: entry ? [...view.status_log, entry] : view.status_log,
    order_status_comments: comment
      ? [...view.order_status_comments, { id: view.order_status_comments.length + 1, ...comment }]
      : view.order_status_comments,
  };
}

const shownAmount = (amountMinor: number | null): number | null =>
  amountMinor === null ? null : toMajorUnits(amountMinor);

/** Changed facts as the view shows them: the amount in rubles. */
function shownChanges(changes: Partial<DeliveryFacts>): Partial<DeliveryView> {
  const { amount_minor, ...rest } = changes;
  return amount_minor === undefined ? rest : { ...rest, amount: shownAmount(amount_minor) };
}

function applyFacts(view: DeliveryView, event: DeliveryEvent, at: string): DeliveryView {
  switch (event.type) {
    case 'DeliveryUpdated':
      // An old PATCH's clear coordinates (upcast apart from the changes) are shown until the sealed record holds some.
      return {
        ...view,
        ...shownChanges(event.data.changes),
        ...event.data.legacy_coordinates,
        paid: view.paid || event.data.changes.payment_status === 'paid',
      };
    case 'DeliveryIntervalChanged':
      return {
        ...view,
        time_interval: event.data.new_interval,
        time_interval_secs: event.data.time_interval_secs,
        time_window: event.data.time_window,
      };
    case 'DeliveryStatusChanged':
      return {
        ...view,
        status: event.data.to,
        confirmed_at: event.data.to === 'confirmed' && view.confirmed_at === null ? event.data.at : view.confirmed_at,
        delivered_at:
          event.data.to === 'finished' || event.data.to === 'partially_finished' ? event.data.at : view.delivered_at,
      };
    case 'DeliveryUndone':
      return { ...view, status: event.data.restored_status, delivered_at: null };
    case 'DeliveryActualTimeSet':
      return { ...view, actual_delivered_at: event.data.actual_delivered_at };
    case 'DeliveryPaid':
      return { ...view, paid: true, payment_type: event.data.payment_type, payment_status: 'paid' };
    case 'DeliveryClosed':
      return { ...view, close_time: event.data.close_time };
    case 'DeliveryReopened':
      return { ...view, close_time: null };
    default:
      return { ...view, updated_at: at };
  }
}

/** Applies one event of the stream at `version`. Creation starts a view; deletion removes it. */
export function applyToView(
  view: DeliveryView | undefined,
  event: DeliveryEvent,
  version: number,
  recordedAt: string,
): ViewChange {
  if (event.type === 'DeliveryDeleted' || event.type === 'PersonalDataErased') return { kind: 'delete' };
  if (event.type === 'DeliveryCreated') {
    const { delivery_id, initiator: _initiator, at, legacy_coordinates, amount_minor, ...facts } = event.data;
    const created: DeliveryView = {
      // An old event's clear coordinates (upcast apart from the facts) are shown until the sealed record holds some.
      ...facts,
      amount: shownAmount(amount_minor),
      ...legacy_coordinates,
      id: delivery_id,
      confirmed_at: null,
      delivered_at: null,
      actual_delivered_at: null,
      close_time: null,
      paid: facts.payment_status === 'paid',
      history: [],
      status_log: [],
      order_status_comments: [],
      created_at: at,
      updated_at: at,
      version,
    };
    return { kind: 'upsert', view: withLogs(created, event) };
  }
  if (!view || version <= view.version) return { kind: 'none' };
  return {
    kind: 'upsert',
    view: { ...withLogs(applyFacts(view, event, recordedAt), event), updated_at: recordedAt, version },
  };
}

/** Folds a whole stream; undefined when it never existed or was deleted. */
export function foldView(
  events: readonly { readonly event: DeliveryEvent; readonly version: number; readonly recordedAt: string }[],
): DeliveryView | undefined {
  let view: DeliveryView | undefined;
  for (const { event, version, recordedAt } of events) {
    const change = applyToView(view, event, version, recordedAt);
    if (change.kind === 'delete') view = undefined;
    else if (change.kind === 'upsert') view = change.view;
  }
  return view;
}

export const PERSONAL_FIELDS = PERSONAL_DATA_FIELDS;
type Coordinate = (typeof COORDINATE_FIELDS)[number];
export type PersonalRecord = Partial<
  Record<Exclude<(typeof PERSONAL_FIELDS)[number], Coordinate>, string | null> & Record<Coordinate, number | null>
>;

/**
 * A coordinate as the order shows it: from the sealed record; for an order written before coordinates were sealed
 * (the record lacks them), from its old events, which hold them in clear anyway.
 */
export function coordinateOf(
  field: Coordinate,
  personal: PersonalRecord | undefined,
  legacy: LegacyCoordinates,
): number | null {
  return personal !== undefined && field in personal ? (personal[field] ?? null) : (legacy[field] ?? null);
}

/**
 * The public order: the view with the personal data joined (the record, and the courier's sealed positions opened
 * with the same key), internals left out, the ids as Track & Trace shows them (`orderId`: the order's integer,
 * order-ids.ts), and the iiko delivery state (`delivery_status`, `closed`) derived from it,
 * so views already in the read model show it without a rebuild.
 */
export function toOrderResponse(
  view: StoredView,
  personal: PersonalRecord | undefined,
  open: OpenPoint,
  orderId: number,
): Record<string, unknown> {
  const { pii_ref: _ref, version: _version, located: _located, lat, lon, refined_lat, refined_lon, ...shown } = view;
  const legacy = { lat, lon, refined_lat, refined_lon };
  return {
    ...shown,
    ...trackAndTraceIds(view, orderId),
    ...iikoDeliveryStateOf(view),
    history: view.history.map((item) => shownHistoryItem(item, open)),
    status_log: view.status_log.map((entry) => shownStatusLogEntry(entry, open)),
    lat: coordinateOf('lat', personal, legacy),
    lon: coordinateOf('lon', personal, legacy),
    refined_lat: coordinateOf('refined_lat', personal, legacy),
    refined_lon: coordinateOf('refined_lon', personal, legacy),
    customer_name: personal?.customer_name ?? null,
    phone: personal?.phone ?? null,
    address: personal?.address ?? null,
    comments: personal?.comments ?? null,
    version: view.version,
  };
}
