/**
 * The Track & Trace fields that are personal data: sealed in the per-order record, never in an event (rule 7). The
 * coordinates are here because they locate the customer's home as precisely as the address does.
 */
export const PERSONAL_DATA_FIELDS = ['customer_name', 'phone', 'address', 'comments', 'lat', 'lon', 'refined_lat', 'refined_lon'] as const;
export type PersonalDataField = (typeof PERSONAL_DATA_FIELDS)[number];
/** The sealed fields that place the delivery on the map (visit detection needs lat and lon). */
export const COORDINATE_FIELDS = ['lat', 'lon', 'refined_lat', 'refined_lon'] as const;
