import type { StoredEventUpcaster } from '@orders/decider-kit';
import type { LegacyCoordinates } from './delivery.events';
import { toMinorUnitsOrNull } from './money';

// Version 1 of the Delivery events, as stored, and the step to version 2 (delivery.events.ts). The log is never
// rewritten: the application registers these with its event store, which applies them on every read (loads, replays,
// subscriptions, the relay), and writes new events of these types as version 2. Two old formats are folded here,
// so that `evolve` sees only the current one:
// - money as a float of rubles (`amount`) instead of integer kopecks (`amount_minor`);
// - coordinates in clear (lat, lon, refined_*) instead of `located`, from before they were sealed: `located` is
//   derived from them, and the numbers are kept apart under `legacy_coordinates` for the order view.

/** One step of a stored Delivery event type to the next version (the kernel's shape of an upcaster). */
export type DeliveryUpcaster = StoredEventUpcaster;

type Stored = Readonly<Record<string, unknown>>;
const COORDINATES = ['lat', 'lon', 'refined_lat', 'refined_lon'] as const;
const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/** The clear coordinates a v1 payload names, apart from the rest of it (undefined when it names none). */
function splitCoordinates(data: Stored): { rest: Stored; legacy?: LegacyCoordinates } {
  const rest: Record<string, unknown> = {};
  const legacy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if ((COORDINATES as readonly string[]).includes(key)) legacy[key] = value;
    else rest[key] = value;
  }
  return Object.keys(legacy).length > 0 ? { rest, legacy: legacy as LegacyCoordinates } : { rest };
}

/** `amount` (rubles) to `amount_minor` (kopecks), where the payload names it. */
function withMinorAmount(data: Stored): Stored {
  if (!('amount' in data)) return data;
  const { amount, ...rest } = data;
  return { ...rest, amount_minor: toMinorUnitsOrNull(amount as number | null) };
}

/** A created delivery: located when both numbers were set (a policy-created one had them null). */
export function upcastCreatedV1(data: Stored): Stored {
  const { rest, legacy } = splitCoordinates(withMinorAmount(data));
  if (legacy === undefined) return rest; // written after the coordinates were sealed: `located` is there already
  return { ...rest, located: rest.located ?? (isSet(legacy.lat) && isSet(legacy.lon)), legacy_coordinates: legacy };
}

/**
 * A PATCH's changes. A PATCH never cleared a coordinate (null is refused), so one naming a single coordinate with a
 * number leaves `located` as it was (the other stays as the state knew it), and a null one unlocates; naming both
 * decides it. That is exactly what `evolve` computed from the state before, so no state is needed here.
 */
export function upcastUpdatedV1(data: Stored): Stored {
  const changes = (data.changes ?? {}) as Stored;
  const { rest, legacy } = splitCoordinates(withMinorAmount(changes));
  if (legacy === undefined) return { ...data, changes: rest };
  const { lat, lon } = legacy;
  const named = [lat, lon].filter((value) => value !== undefined);
  const located = named.length === 2 ? isSet(lat) && isSet(lon) : named.length === 1 && !isSet(named[0]) ? false : undefined;
  return { ...data, changes: located === undefined ? rest : { ...rest, located }, legacy_coordinates: legacy };
}

export const upcastPaidV1 = (data: Stored): Stored => withMinorAmount(data);

/** Register these with the store that holds Delivery streams (`EventStoreOptions.upcasters`). */
export const DELIVERY_UPCASTERS: readonly DeliveryUpcaster[] = [
  { type: 'DeliveryCreated', fromSchemaVersion: 1, upcast: (data) => upcastCreatedV1(data as Stored) },
  { type: 'DeliveryUpdated', fromSchemaVersion: 1, upcast: (data) => upcastUpdatedV1(data as Stored) },
  { type: 'DeliveryPaid', fromSchemaVersion: 1, upcast: (data) => upcastPaidV1(data as Stored) },
];
