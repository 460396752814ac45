import { ID_FORMATS } from '@orders/service-kit';
import { Transform } from 'class-transformer';
import type { DeliveryView } from './delivery-view';

// Track & Trace types its ids as integers (seed 002: order `id`, `company_id`, `route_id`, `shared_with_company_ids`;
// the push path's `courier_id` and `route_id`). Companies, routes, depots and couriers are named by the caller here
// (API_KEYS, the route PUT, order bodies), so an id spelt as a decimal integer IS that integer: configured and used
// by their Track & Trace numbers, they read exactly as the reference's. Any other spelling ("company-a") has no
// integer and stays the string it is. Orders are numbered by us (order-ids.ts).

const CANONICAL_INTEGER = /^(0|[1-9]\d{0,15})$/;

/** The id as the reference shows it: an integer when its spelling is one (exactly: "007" stays a string). */
export function referenceId(id: string | number): string | number {
  if (typeof id === 'number') return id;
  return CANONICAL_INTEGER.test(id) && Number(id) <= Number.MAX_SAFE_INTEGER ? Number(id) : id;
}

export const referenceIdOrNull = (id: string | number | null): string | number | null =>
  id === null ? null : referenceId(id);

/** An id a body may give either way: Track & Trace's integer or our string (`[\w.:-]{1,80}`). */
export const idSchema = { oneOf: [{ type: 'integer', format: 'int64', minimum: 0 }, ID_FORMATS.external.schema] };

/** A body's integer id as we store ids (strings); anything else is left for the validators to judge. */
export function storedId(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
}

/**
 * On a body's id field: Track & Trace sends it as an integer, we name it by a string; both are taken, the integer
 * stored as its decimal string, so `105` and `"105"` are the same route and read back as `105`.
 */
export const AsStoredId = (): PropertyDecorator => Transform(({ value }) => storedId(value));
export const AsStoredIds = (): PropertyDecorator =>
  Transform(({ value }) => (Array.isArray(value) ? value.map(storedId) : value));

/** `CompanyNumber` of the reference: `number` (required) is our company id, `id` its integer when it has one. */
function companyNumber(companyId: string | number): { number: string; id?: number } {
  const id = referenceId(companyId);
  return typeof id === 'number' ? { number: String(companyId), id } : { number: String(companyId) };
}

/**
 * The ids of an order as Track & Trace shows them; our UUID stays readable as `delivery_id` (and in paths: both
 * spellings name the order).
 */
export function trackAndTraceIds(
  view: Pick<DeliveryView, 'id' | 'company_id' | 'route_id' | 'depot_id' | 'shared_with_company_ids'>,
  orderId: number,
) {
  return {
    id: orderId,
    delivery_id: view.id,
    company_id: referenceId(view.company_id),
    route_id: referenceIdOrNull(view.route_id),
    depot_id: referenceIdOrNull(view.depot_id),
    shared_with_company_ids: view.shared_with_company_ids.map(referenceId),
    shared_with_companies: view.shared_with_company_ids.map(companyNumber),
  };
}
