import type { DeliveryFacts, LegacyCoordinates } from './delivery.events';

// Events written before the coordinates were sealed carry lat/lon/refined_* in clear and no `located`. The log is
// the truth and is never rewritten, so evolve reads both shapes; the numbers are dropped here and never reach the
// state (nor its snapshots).

const isSet = (value: number | null | undefined): boolean => value !== undefined && value !== null;

type CreatedFacts = Omit<DeliveryFacts, 'located'> & { readonly located?: boolean } & LegacyCoordinates;

/** The facts of a DeliveryCreated, old or new. */
export function factsOfCreated(data: CreatedFacts): DeliveryFacts {
  const { lat, lon, refined_lat: _refinedLat, refined_lon: _refinedLon, located, ...facts } = data;
  return { ...facts, located: located ?? (isSet(lat) && isSet(lon)) };
}

/**
 * The changes of a DeliveryUpdated, old or new. A PATCH never clears a coordinate (null is refused), so an old patch
 * naming one sets it; the other is taken as the state knew it. That is exact for every log but one that located a
 * policy-created delivery through two patches, lat in one and lon in the other: it stays unlocated (no detection).
 */
export function changesOf(changes: Partial<DeliveryFacts> & LegacyCoordinates, located: boolean): Partial<DeliveryFacts> {
  const { lat, lon, refined_lat: _refinedLat, refined_lon: _refinedLon, ...rest } = changes;
  if (lat === undefined && lon === undefined) return rest;
  return { ...rest, located: (lat === undefined ? located : isSet(lat)) && (lon === undefined ? located : isSet(lon)) };
}
