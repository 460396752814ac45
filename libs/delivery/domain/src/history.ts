import type { DeliveryEvent, Point, StoredPosition } from './delivery.events';
import { formatInZone } from './time-zone';
import type { DeliveryStatus, Initiator } from './validation';

// The Track & Trace views of a delivery's log (S-YC OrderHistoryItem, StatusLog, OrderStatusUpdateComment).

export type HistoryEventName = 'ORDER_CREATED' | 'START' | 'ORDER_BECAME_NEXT' | 'STATUS_UPDATE' | 'INTERVAL_UPDATE' | 'ARRIVAL' | 'ORDER_VISIT' | 'DEPARTURE';

export interface HistoryItem {
  readonly event: HistoryEventName;
  /** ISO 8601 in the order's time zone. */
  readonly time: string;
  /** UNIX seconds. */
  readonly timestamp: number;
  /** As stored: sealed (opened where the order is shown), or in clear from events written before. */
  readonly position?: StoredPosition;
  readonly used_mark_delivered_radius?: number;
  readonly source?: { readonly initiator: Initiator };
}

export interface StatusLogEntry {
  readonly status: DeliveryStatus;
  readonly timestamp: number;
  /** From events written before points were sealed. */
  readonly point?: Point;
  /** A token of the Point, opened where the order is shown. */
  readonly sealed_point?: string;
}

export interface StatusComment { readonly status: DeliveryStatus; readonly comment: string }

const at = (iso: string, timeZone: string) => {
  const ms = Date.parse(iso);
  return { time: formatInZone(ms, timeZone), timestamp: Math.floor(ms / 1000) };
};

/** The history item an event shows as, if any. Personal data changes, payments and closes are not T&T history. */
export function historyItemOf(event: DeliveryEvent, timeZone: string): HistoryItem | undefined {
  switch (event.type) {
    case 'DeliveryCreated':
      return { event: 'ORDER_CREATED', ...at(event.data.at, timeZone) };
    case 'DeliveryStatusChanged':
      return { event: 'STATUS_UPDATE', ...at(event.data.at, timeZone), source: { initiator: event.data.initiator } };
    case 'DeliveryUndone':
      return { event: 'STATUS_UPDATE', ...at(event.data.at, timeZone), source: { initiator: event.data.initiator } };
    case 'DeliveryIntervalChanged':
      return { event: 'INTERVAL_UPDATE', ...at(event.data.at, timeZone) };
    // START and ORDER_BECAME_NEXT carry only their time: the seed shows a position on ARRIVAL, ORDER_VISIT, DEPARTURE only.
    case 'RouteStarted':
      return { event: 'START', ...at(event.data.at, timeZone) };
    case 'DeliveryBecameNext':
      return { event: 'ORDER_BECAME_NEXT', ...at(event.data.at, timeZone) };
    case 'CourierArrived':
    case 'DeliveryVisited':
    case 'CourierDeparted': {
      const name = event.type === 'CourierArrived' ? 'ARRIVAL' : event.type === 'DeliveryVisited' ? 'ORDER_VISIT' : 'DEPARTURE';
      const { position, used_mark_delivered_radius } = event.data;
      return { event: name, ...at(position.time, timeZone), position, used_mark_delivered_radius };
    }
    default:
      return undefined;
  }
}

/** The status_log entry an event adds, if it set a status. */
export function statusLogEntryOf(event: DeliveryEvent): StatusLogEntry | undefined {
  const timestamp = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  switch (event.type) {
    case 'DeliveryCreated':
      return { status: event.data.status, timestamp: timestamp(event.data.at) };
    case 'DeliveryStatusChanged':
      return {
        status: event.data.to, timestamp: timestamp(event.data.at),
        ...(event.data.point ? { point: event.data.point } : {}), ...(event.data.sealed_point ? { sealed_point: event.data.sealed_point } : {}),
      };
    case 'DeliveryUndone':
      return { status: event.data.restored_status, timestamp: timestamp(event.data.at) };
    default:
      return undefined;
  }
}

export function statusCommentOf(event: DeliveryEvent): StatusComment | undefined {
  return event.type === 'DeliveryStatusChanged' && event.data.comment ? { status: event.data.to, comment: event.data.comment } : undefined;
}
