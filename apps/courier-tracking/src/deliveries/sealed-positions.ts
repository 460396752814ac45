import type { Delivery, DeliveryEvent, HistoryItem, Point, StatusLogEntry, StoredPosition } from '@orders/delivery-domain';
import type { OpenedSubject } from '@orders/personal-data';

// The courier's positions in Delivery events (arrival, visit, departure, route start, the automatic finish's point)
// are near the customer's door, so they locate the home as precisely as the address. The decider decides with the
// numbers; just before an append they are sealed with the order's personal-data key into tokens, and the log, the
// read models and the topic hold only those. Responses open them with the key they read for the record anyway;
// erasure destroys the key, and with it every token, in the log and in any rebuild.

/** Seals a point for the order whose personal data `subjectId` names. */
export type SealPoint = (subjectId: string, point: Point) => Promise<string>;

/** Opens a token of this order's key; undefined when it cannot be opened any more (erased). */
export type OpenPoint = (token: string) => Point | undefined;

const inClear = (position: StoredPosition): position is StoredPosition & Point => position.lat !== undefined && position.lon !== undefined;

/** Whether the event holds a courier's point in clear (the decider's output always does, where it has one). */
export function holdsPointInClear(event: DeliveryEvent): boolean {
  switch (event.type) {
    case 'CourierArrived':
    case 'DeliveryVisited':
    case 'CourierDeparted':
      return inClear(event.data.position);
    case 'RouteStarted':
      return event.data.position !== undefined && inClear(event.data.position);
    case 'DeliveryStatusChanged':
      return event.data.point !== undefined;
    default:
      return false;
  }
}

/** The event as it is stored: its points sealed under the order's key (the same event when it holds none). */
export async function sealedForStorage(event: DeliveryEvent, state: Delivery, seal: SealPoint): Promise<DeliveryEvent> {
  if (!holdsPointInClear(event)) return event;
  // Positions are decided only for an active delivery: its state names the record (and key) they belong to.
  if (state.kind !== 'active') throw new Error(`a ${event.type} for a delivery that is not active cannot be sealed`);
  const sealPosition = async (position: StoredPosition): Promise<StoredPosition> =>
    (inClear(position) ? { time: position.time, sealed: await seal(state.piiRef, { lat: position.lat, lon: position.lon }) } : position);
  switch (event.type) {
    case 'CourierArrived':
    case 'DeliveryVisited':
    case 'CourierDeparted':
      return { ...event, data: { ...event.data, position: await sealPosition(event.data.position) } } as DeliveryEvent;
    case 'RouteStarted':
      return event.data.position ? { ...event, data: { ...event.data, position: await sealPosition(event.data.position) } } : event;
    case 'DeliveryStatusChanged': {
      const { point, ...data } = event.data;
      return point ? { ...event, data: { ...data, sealed_point: await seal(state.piiRef, point) } } : event;
    }
    default:
      return event;
  }
}

/** A history item as the API shows it: a sealed position opened (or left out once it cannot be), old clear ones as they are. */
export function shownHistoryItem(item: HistoryItem, open: OpenPoint): HistoryItem {
  const position = item.position;
  if (position?.sealed === undefined) return item;
  const { position: _sealed, ...rest } = item;
  const point = open(position.sealed);
  return point ? { ...rest, position: { lat: point.lat, lon: point.lon, time: position.time } } : rest;
}

/** A status_log entry as the API shows it: `point` opened from `sealed_point` (or left out once it cannot be). */
export function shownStatusLogEntry(entry: StatusLogEntry, open: OpenPoint): StatusLogEntry {
  if (entry.sealed_point === undefined) return entry;
  const { sealed_point: token, ...rest } = entry;
  const point = open(token);
  return point ? { ...rest, point: { lat: point.lat, lon: point.lon } } : rest;
}

/** The opener of an order's tokens, from its subject as the vault opened it with the record (nothing once erased). */
export const pointOpener = (subject: OpenedSubject<unknown> | undefined): OpenPoint =>
  (token) => subject?.openValue<Point>(token);
