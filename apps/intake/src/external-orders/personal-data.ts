import type { SubmitOrderRequestDto } from './submit-order/submit-order.request.dto';

/**
 * What intake keeps about the guest, sealed per order in `@orders/personal-data` (architecture rule 7): events name
 * the record by `piiRef` (the order id) and never carry these fields.
 */
export interface GuestRecord extends Record<string, unknown> {
  readonly customer: { readonly name: string; readonly phone: string };
  readonly address: string;
  readonly location?: { readonly lat: number; readonly lon: number };
  readonly comment?: string;
}

export function guestRecordOf(submission: SubmitOrderRequestDto): GuestRecord {
  const { customer, address, location, comment } = submission;
  return {
    customer: { name: customer.name, phone: customer.phone },
    address,
    ...(location ? { location: { lat: location.lat, lon: location.lon } } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
}

/** Whether a repeated submission carries the same guest data as the sealed record. */
export function sameGuest(a: GuestRecord, b: GuestRecord): boolean {
  return a.customer.name === b.customer.name && a.customer.phone === b.customer.phone && a.address === b.address
    && (a.comment ?? null) === (b.comment ?? null)
    && (a.location?.lat ?? null) === (b.location?.lat ?? null) && (a.location?.lon ?? null) === (b.location?.lon ?? null);
}
