import type { CommandMetadata } from '@orders/decider-kit';
import { DeciderSpecification } from '@orders/decider-kit';
import type { DeliveryCommand, DeliverySettings, VisitSettings } from './delivery.commands';
import type { DeliveryCreated, DeliveryEvent } from './delivery.events';
import { deliveryDecider } from './delivery.decider';
import type { DeliveryStatus, Initiator } from './validation';

// Shared givens for the specs: one delivery at a Moscow address, 11:00-12:00 on 2026-03-02.

export const NOW = '2026-03-02T07:00:00.000Z';
export const meta = (now = NOW): CommandMetadata => ({ now, actor: 'spec' });
export const spec = DeciderSpecification.for(deliveryDecider);
export const settings: DeliverySettings = { time_zone: 'Europe/Moscow', route_date: '2026-03-02', partially_finished_status_enabled: false };
export const visitSettings: VisitSettings = {
  mark_delivered_enabled: true, mark_delivered_service_time_coefficient: 0.5, depot_mark_delivered_radius: null, company_mark_delivered_radius: null,
};
export const TARGET = { lat: 55.751244, lon: 37.618423 };

/** A request body as the edge receives it, personal data included. */
export const order = {
  number: 'A-1', address: 'Tverskaya 1', lat: TARGET.lat, lon: TARGET.lon, time_interval: '11-12', customer_name: 'Ivan', phone: '+79990000000',
};
/** The same order as the decider sees it: the application sealed the personal data, coordinates included. */
export const orderFacts = { number: order.number, time_interval: order.time_interval };
export const SEALED = ['customer_name', 'phone', 'address', 'lat', 'lon'];

export const created = (overrides: Partial<DeliveryCreated['data']> = {}): DeliveryCreated => ({
  type: 'DeliveryCreated',
  data: {
    delivery_id: 'd-1', company_id: 'c-1', pii_ref: 'pii-d-1', status: 'new', initiator: 'user_api', at: NOW,
    number: 'A-1', customer_number: null, description: null, located: true,
    time_interval: '11-12', time_interval_secs: [39600, 43200], time_window: { start: '2026-03-02T11:00:00+03:00', end: '2026-03-02T12:00:00+03:00' },
    time_zone: 'Europe/Moscow', route_id: null, depot_id: null, amount_minor: null, payment_type: null, payment_status: null, service_type: 'courier',
    service_duration_s: 600, shared_service_duration_s: 0, mark_delivered_radius: null, eta_type: null, volume: null, weight: null,
    shared_with_company_ids: [],
    ...overrides,
  },
});

export const statusChanged = (from: DeliveryStatus, to: DeliveryStatus, initiator: Initiator = 'user_api', at = NOW): DeliveryEvent =>
  ({ type: 'DeliveryStatusChanged', data: { from, to, initiator, at } });

export const finished: DeliveryEvent[] = [
  statusChanged('new', 'finished'),
  { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: NOW, at: NOW } },
];
export const paid: DeliveryEvent = { type: 'DeliveryPaid', data: { payment_type: 'card', amount_minor: 10000, paid_at: NOW } };

export const cmd = <C extends DeliveryCommand>(type: C['type'], data: C['data'], now = NOW): C => ({ type, data, metadata: meta(now) }) as C;
