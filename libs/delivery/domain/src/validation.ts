import { PERSONAL_DATA_FIELDS } from './personal-data-fields';
import { DeliveryFieldsInvalid, FieldViolation } from './errors';
import { MAX_AMOUNT } from './money';
import { MAX_MARK_DELIVERED_RADIUS_M } from './radius';

// The validation table of domain.md §2.6 as data: the HTTP edge reads the same limits for its DTOs and OpenAPI.

export const DELIVERY_STATUSES = [
  'new',
  'confirmed',
  'finished',
  'partially_finished',
  'cancelled',
  'postponed',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const TERMINAL_STATUSES: readonly DeliveryStatus[] = ['finished', 'partially_finished', 'cancelled'];
export const isTerminal = (status: DeliveryStatus): boolean => TERMINAL_STATUSES.includes(status);

export const PAYMENT_TYPES = ['cash', 'card', 'prepaid', 'yandex_pay'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];
/** `yandex_pay` "can only be set internally" (S-YC, INV-D11). */
export const CALLER_PAYMENT_TYPES: readonly PaymentType[] = ['cash', 'card', 'prepaid'];
export const PAYMENT_STATUSES = ['paid', 'unpaid'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const ETA_TYPES = ['arrival_time', 'delivery_time'] as const;
export type EtaType = (typeof ETA_TYPES)[number];
export const INITIATORS = ['yandex', 'app', 'user_api'] as const;
export type Initiator = (typeof INITIATORS)[number];
export const SERVICE_TYPES = ['courier', 'pickup'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** String limits. number/customer_name/customer_number/description come from S-YC; the rest are [P] bounds. */
export const MAX_LENGTH = {
  number: 80,
  customer_name: 1023,
  customer_number: 128,
  description: 1023,
  address: 1023,
  comments: 1023,
  phone: 64,
  time_interval: 120,
  shared_company_name: 80,
} as const;

export const DEFAULT_SERVICE_DURATION_S = 600;
export const DEFAULT_SHARED_SERVICE_DURATION_S = 0;
/** [P] a day of service at one point is already absurd; the bound keeps sums and timers finite. */
export const MAX_SERVICE_DURATION_S = 86_400;

type Mode = 'create' | 'patch';
interface Rule {
  readonly check: (value: unknown) => string | undefined;
  readonly required?: boolean;
}

const text =
  (max: number): Rule['check'] =>
  (value) =>
    typeof value !== 'string' ? 'INVALID_TYPE' : value.length > max ? 'FIELD_TOO_LONG' : undefined;
const number =
  (min: number, max: number, integer = false): Rule['check'] =>
  (value) =>
    typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))
      ? 'INVALID_TYPE'
      : value < min || value > max
        ? 'OUT_OF_RANGE'
        : undefined;
const oneOf =
  (values: readonly string[]): Rule['check'] =>
  (value) =>
    typeof value === 'string' && values.includes(value) ? undefined : 'INVALID_ENUM';
/** Track & Trace ids are integers; ours may be strings (uuids). Both are stored as strings. */
const identifier: Rule['check'] = (value) =>
  (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
  (typeof value === 'string' && /^[\w.:-]{1,80}$/.test(value))
    ? undefined
    : 'INVALID_TYPE';
const nullable =
  (check: Rule['check']): Rule['check'] =>
  (value) =>
    value === null ? undefined : check(value);

const RULES: Record<string, Rule> = {
  number: {
    required: true,
    check: (value) =>
      typeof value === 'string' && value.trim() === '' ? 'REQUIRED_FIELD' : text(MAX_LENGTH.number)(value),
  },
  address: { required: true, check: text(MAX_LENGTH.address) },
  lat: { required: true, check: number(-90, 90) },
  lon: { required: true, check: number(-180, 180) },
  time_interval: { required: true, check: text(MAX_LENGTH.time_interval) },
  customer_name: { check: nullable(text(MAX_LENGTH.customer_name)) },
  customer_number: { check: nullable(text(MAX_LENGTH.customer_number)) },
  description: { check: nullable(text(MAX_LENGTH.description)) },
  comments: { check: nullable(text(MAX_LENGTH.comments)) },
  phone: { check: nullable(text(MAX_LENGTH.phone)) },
  refined_lat: { check: nullable(number(-90, 90)) },
  refined_lon: { check: nullable(number(-180, 180)) },
  // Stored in kopecks: an amount whose kopecks are no longer an exact integer is out of range (money.ts).
  amount: { check: nullable(number(0, MAX_AMOUNT)) },
  volume: { check: nullable(number(0, Number.MAX_SAFE_INTEGER)) },
  weight: { check: nullable(number(0, Number.MAX_SAFE_INTEGER)) },
  payment_type: { check: nullable(oneOf(PAYMENT_TYPES)) },
  payment_status: { check: nullable(oneOf(PAYMENT_STATUSES)) },
  eta_type: { check: nullable(oneOf(ETA_TYPES)) },
  status: { check: oneOf(DELIVERY_STATUSES) },
  service_type: { check: oneOf(SERVICE_TYPES) },
  mark_delivered_radius: { check: nullable(number(0, MAX_MARK_DELIVERED_RADIUS_M)) },
  service_duration_s: { check: number(0, MAX_SERVICE_DURATION_S, true) },
  shared_service_duration_s: { check: number(0, MAX_SERVICE_DURATION_S, true) },
  route_id: { check: nullable(identifier) },
  depot_id: { check: nullable(identifier) },
  shared_with_company_ids: {
    check: (value) =>
      Array.isArray(value) && value.every((id) => typeof id === 'string' || Number.isInteger(id))
        ? undefined
        : 'INVALID_TYPE',
  },
};

const LOCATION_FIELDS: readonly string[] = ['address', 'lat', 'lon'];

/** Fields the order model accepts from callers, in the table's order. */
export const ORDER_FIELD_NAMES: readonly string[] = Object.keys(RULES);

const messages: Record<string, (field: string) => string> = {
  REQUIRED_FIELD: (field) => `${field} is required`,
  FIELD_TOO_LONG: (field) => `${field} is longer than ${MAX_LENGTH[field as keyof typeof MAX_LENGTH]} characters`,
  OUT_OF_RANGE: (field) => `${field} is out of range`,
  INVALID_ENUM: (field) => `${field} is not one of the allowed values`,
  INVALID_TYPE: (field) => `${field} has the wrong type`,
  VALUE_NOT_ALLOWED: (field) => `${field} cannot be set to this value by callers`,
};

export interface ValidationOptions {
  /** Our own policies may set yandex_pay; callers may not. */
  readonly internal?: boolean;
  /**
   * Personal-data fields given to the sealed record instead of the command (their values were checked before sealing
   * and never reach the decider): a required one counts as present when it is named here.
   */
  readonly sealed?: readonly string[];
}

/** Every broken rule of the table, in table order. */
export function orderFieldViolations(
  input: Readonly<Record<string, unknown>>,
  mode: Mode,
  options: ValidationOptions = {},
): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (code: string, field: string) => violations.push({ code, field, message: messages[code](field) });
  for (const [field, rule] of Object.entries(RULES)) {
    // Our own policies create deliveries before anyone geocoded them (intake knows no coordinates): located later by PATCH.
    const required = rule.required && !(options.internal && LOCATION_FIELDS.includes(field));
    if (options.sealed !== undefined && (PERSONAL_DATA_FIELDS as readonly string[]).includes(field)) {
      if (required && mode === 'create' && !options.sealed.includes(field)) add('REQUIRED_FIELD', field);
      continue;
    }
    const value = input[field];
    if (!required && value === null && rule.required) continue;
    if (value === undefined || (value === null && required)) {
      if (required && mode === 'create') add('REQUIRED_FIELD', field);
      else if (value === null && required) add('REQUIRED_FIELD', field);
      continue;
    }
    const code = rule.check(value);
    if (code) add(code, field);
  }
  if (input.payment_type === 'yandex_pay' && !options.internal) add('VALUE_NOT_ALLOWED', 'payment_type');
  return violations;
}

export function assertOrderFields(
  input: Readonly<Record<string, unknown>>,
  mode: Mode,
  options: ValidationOptions = {},
): void {
  const violations = orderFieldViolations(input, mode, options);
  if (violations.length > 0) throw new DeliveryFieldsInvalid(violations);
}
