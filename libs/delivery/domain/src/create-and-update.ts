import type { CreateDelivery, DeliverySettings, UpdateDelivery } from './delivery.commands';
import type { DeliveryEvent, DeliveryFacts } from './delivery.events';
import { PERSONAL_DATA_FIELDS } from './personal-data-fields';
import type { ActiveDelivery, Delivery } from './delivery.state';
import { DeliveryAlreadyExists, StatusNotAllowed } from './errors';
import { toMinorUnitsOrNull } from './money';
import { changeStatus } from './status-rules';
import { parseTimeInterval } from './time-interval';
import {
  DEFAULT_SERVICE_DURATION_S, DEFAULT_SHARED_SERVICE_DURATION_S, DeliveryStatus, EtaType, PaymentStatus, PaymentType, ServiceType, assertOrderFields,
} from './validation';

type Input = Readonly<Record<string, unknown>>;
const orNull = <T>(value: unknown): T | null => (value === undefined || value === null ? null : (value as T));
const idOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));

function interval(raw: string, settings: DeliverySettings, now: string) {
  return parseTimeInterval(raw, { timeZone: settings.time_zone, baseDate: settings.route_date, now });
}

function factsOf(order: Input, located: boolean, settings: DeliverySettings, now: string): DeliveryFacts {
  const parsed = interval(order.time_interval as string, settings, now);
  return {
    number: order.number as string,
    customer_number: orNull(order.customer_number),
    description: orNull(order.description),
    located,
    time_interval: order.time_interval as string,
    time_interval_secs: parsed.timeIntervalSecs,
    time_window: parsed.timeWindow,
    time_zone: settings.time_zone,
    route_id: idOrNull(order.route_id),
    depot_id: idOrNull(order.depot_id),
    amount_minor: toMinorUnitsOrNull(order.amount as number | null | undefined),
    payment_type: orNull<PaymentType>(order.payment_type),
    payment_status: orNull<PaymentStatus>(order.payment_status),
    service_type: (order.service_type as ServiceType | undefined) ?? 'courier',
    service_duration_s: (order.service_duration_s as number | undefined) ?? DEFAULT_SERVICE_DURATION_S,
    shared_service_duration_s: (order.shared_service_duration_s as number | undefined) ?? DEFAULT_SHARED_SERVICE_DURATION_S,
    mark_delivered_radius: orNull(order.mark_delivered_radius),
    eta_type: orNull<EtaType>(order.eta_type),
    volume: orNull(order.volume),
    weight: orNull(order.weight),
    shared_with_company_ids: (order.shared_with_company_ids as (string | number)[] | undefined) ?? [],
  };
}

/** Input rule (INV-D8), checked with the other fields before any state is looked at. */
function refuseDisabledStatus(order: Input, settings: DeliverySettings): void {
  if (order.status === 'partially_finished' && !settings.partially_finished_status_enabled) throw new StatusNotAllowed('partially_finished');
}

export function createDelivery(command: CreateDelivery, state: Delivery): DeliveryEvent[] {
  const { order, settings } = command.data;
  // A redelivered create (same number) is already satisfied; anything else under this id is a conflict.
  if (state.kind !== 'none') {
    if (state.kind === 'active' && state.facts.number === order.number) return [];
    throw new DeliveryAlreadyExists();
  }
  assertOrderFields(order, 'create', { internal: command.data.internal, sealed: command.data.personal_data_fields });
  refuseDisabledStatus(order, settings);
  const status = (order.status as DeliveryStatus | undefined) ?? 'new';
  const facts = factsOf(order, command.data.located, settings, command.metadata.now);
  return [{
    type: 'DeliveryCreated',
    data: {
      delivery_id: command.data.delivery_id, company_id: command.data.company_id, pii_ref: command.data.pii_ref,
      status,
      initiator: command.data.initiator, at: command.metadata.now, ...facts,
    },
  }];
}

const FACT_FIELDS: readonly (keyof DeliveryFacts)[] = [
  'number', 'customer_number', 'description', 'route_id', 'depot_id', 'amount_minor', 'payment_type',
  'payment_status', 'service_type', 'service_duration_s', 'shared_service_duration_s', 'mark_delivered_radius', 'eta_type', 'volume', 'weight',
  'shared_with_company_ids',
];

/** The request's field for a fact, and the fact's value from it: the money is rubles in, kopecks stored. */
const INPUT_FIELD: Partial<Record<keyof DeliveryFacts, string>> = { amount_minor: 'amount' };
function factValue(field: keyof DeliveryFacts, input: unknown): unknown {
  if (field === 'route_id' || field === 'depot_id') return idOrNull(input);
  if (field === 'amount_minor') return toMinorUnitsOrNull(input as number | null | undefined);
  return input ?? null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** PATCH: plain fields, then the interval, then personal data, then the status, each as its own event when it changed. */
export function updateDelivery(command: UpdateDelivery, state: ActiveDelivery): DeliveryEvent[] {
  const { order, settings } = command.data;
  assertOrderFields(order, 'patch', { sealed: command.data.personal_data_fields });
  refuseDisabledStatus(order, settings);
  const at = command.metadata.now;
  const events: DeliveryEvent[] = [];
  const changes: Record<string, unknown> = {};
  for (const field of FACT_FIELDS) {
    const input = INPUT_FIELD[field] ?? field;
    if (!(input in order)) continue;
    const value = factValue(field, order[input]);
    if (!same(value, state.facts[field] ?? null)) changes[field] = value;
  }
  if (command.data.located !== undefined && command.data.located !== state.facts.located) changes.located = command.data.located;
  if (Object.keys(changes).length > 0) events.push({ type: 'DeliveryUpdated', data: { changes: changes as Partial<DeliveryFacts>, at } });
  const raw = order.time_interval as string | undefined;
  if (raw !== undefined && raw !== state.facts.time_interval) {
    const parsed = interval(raw, { ...settings, time_zone: state.facts.time_zone }, at);
    events.push({
      type: 'DeliveryIntervalChanged',
      data: { old_interval: state.facts.time_interval, new_interval: raw, time_interval_secs: parsed.timeIntervalSecs, time_window: parsed.timeWindow, at },
    });
  }
  // A field repeated with its stored value is no change: a batch upsert or a PATCH resending the record records nothing.
  const changed = command.data.personal_data_changed ?? command.data.personal_data_fields;
  const personal = changed.filter((field) => (PERSONAL_DATA_FIELDS as readonly string[]).includes(field));
  if (personal.length > 0) events.push({ type: 'PersonalDataChanged', data: { pii_ref: state.piiRef, fields: personal, at } });
  if (order.status !== undefined) {
    events.push(...changeStatus(state, {
      to: order.status as DeliveryStatus, initiator: command.data.initiator, at, comment: command.data.comment,
      partiallyFinishedAllowed: settings.partially_finished_status_enabled,
    }));
  }
  return events;
}
