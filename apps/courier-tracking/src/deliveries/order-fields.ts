import { ORDER_FIELD_NAMES, orderFieldViolations } from '@orders/delivery-domain';
import { RequestValidationError } from '@orders/service-kit';
import { PERSONAL_FIELDS, PersonalRecord } from './delivery-view';

/** A Track & Trace order body (create, patch, batch item), personal data included. */
export type OrderBody = Readonly<Record<string, unknown>>;

/**
 * The order fields without personal data: the decider and the log never see name, phone, address, comments or
 * coordinates (they locate the customer's home).
 */
export function split(body: OrderBody): { facts: Record<string, unknown>; personal: PersonalRecord; personalFields: string[] } {
  const facts: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(withCompanyNumbers(body))) {
    if ((PERSONAL_FIELDS as readonly string[]).includes(key)) personal[key] = value;
    else if (ORDER_FIELD_NAMES.includes(key)) facts[key] = value;
  }
  return { facts, personal: personal as PersonalRecord, personalFields: Object.keys(personal) };
}

/**
 * `shared_with_company_numbers` (D-YC-CREATE) names the companies by number and wins over the ids when both are
 * given; a company's number is its id here, so the order records them as `shared_with_company_ids`.
 */
function withCompanyNumbers(body: OrderBody): OrderBody {
  const { shared_with_company_numbers: numbers, ...rest } = body;
  return numbers === undefined ? rest : { ...rest, shared_with_company_ids: numbers };
}

/** The record places the delivery: visit detection has a target. */
export const holdsPoint = (record: PersonalRecord): boolean => typeof record.lat === 'number' && typeof record.lon === 'number';

/** The whole table of §2.6, personal data included, before anything is sealed or decided: 422 with every field. */
export function assertValid(body: OrderBody, mode: 'create' | 'patch'): void {
  const violations = orderFieldViolations(body, mode);
  if (violations.length > 0) throw new RequestValidationError(violations);
}
