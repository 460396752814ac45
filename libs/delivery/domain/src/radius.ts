// Auto-visit geometry (S-YC, D-YC-VISIT): which radius applies, how far a point is, how long a courier must stay.

export const DEFAULT_MARK_DELIVERED_RADIUS_M = 500;
export const DEFAULT_SERVICE_TIME_COEFFICIENT = 0.5;
export const MAX_MARK_DELIVERED_RADIUS_M = 10_000;

/** order > depot > company > the Track & Trace default: the first one that is set wins (R-YC-2). */
export function resolveRadius(order: number | null | undefined, depot: number | null | undefined, company: number | null | undefined): number {
  return order ?? depot ?? company ?? DEFAULT_MARK_DELIVERED_RADIUS_M;
}

/** coefficient x (service + shared service) seconds of uninterrupted stay (R-YC-1); 0 means "on entry". */
export function requiredDwellSeconds(coefficient: number | null | undefined, serviceDurationS: number, sharedServiceDurationS: number): number {
  return Math.max(0, (coefficient ?? DEFAULT_SERVICE_TIME_COEFFICIENT) * (serviceDurationS + sharedServiceDurationS));
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine: well within a metre at delivery radii). */
export function distanceMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
