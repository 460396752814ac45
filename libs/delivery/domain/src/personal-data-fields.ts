/** The Track & Trace fields that are personal data: sealed in the per-order record, never in an event (rule 7). */
export const PERSONAL_DATA_FIELDS = ['customer_name', 'phone', 'address', 'comments'] as const;
export type PersonalDataField = (typeof PERSONAL_DATA_FIELDS)[number];
