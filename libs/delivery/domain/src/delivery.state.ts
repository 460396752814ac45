import type { DeliveryEvent, DeliveryFacts } from './delivery.events';
import { OUTSIDE, VisitState } from './visit-machine';
import type { DeliveryStatus } from './validation';

/** Only what decisions need. Views (history, status_log) are read models. */
export type Delivery =
  | { readonly kind: 'none' }
  | { readonly kind: 'deleted' }
  | {
      readonly kind: 'active';
      readonly id: string;
      readonly companyId: string;
      readonly piiRef: string;
      readonly status: DeliveryStatus;
      readonly facts: DeliveryFacts;
      readonly paid: boolean;
      readonly actualDeliveredAt: string | null;
      readonly closeTime: string | null;
      /** Keyed by courier id. */
      readonly visits: Readonly<Record<string, VisitState>>;
      /** The route whose START / ORDER_BECAME_NEXT this delivery recorded last (each is recorded once per route). */
      readonly startedRoute: string | null;
      readonly nextOnRoute: string | null;
    };

export type ActiveDelivery = Extract<Delivery, { kind: 'active' }>;

export const initialDelivery: Delivery = { kind: 'none' };

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

function withVisit(
  state: ActiveDelivery,
  courierId: string,
  change: (visit: VisitState) => VisitState,
): ActiveDelivery {
  return { ...state, visits: { ...state.visits, [courierId]: change(state.visits[courierId] ?? OUTSIDE) } };
}

function evolveActive(state: ActiveDelivery, event: DeliveryEvent): Delivery {
  switch (event.type) {
    case 'DeliveryUpdated': {
      const facts = { ...state.facts, ...event.data.changes };
      return { ...state, facts, paid: state.paid || facts.payment_status === 'paid' };
    }
    case 'DeliveryIntervalChanged':
      return {
        ...state,
        facts: {
          ...state.facts,
          time_interval: event.data.new_interval,
          time_interval_secs: event.data.time_interval_secs,
          time_window: event.data.time_window,
        },
      };
    case 'DeliveryStatusChanged':
      return { ...state, status: event.data.to };
    case 'DeliveryActualTimeSet':
      return { ...state, actualDeliveredAt: event.data.actual_delivered_at };
    case 'DeliveryUndone':
      return { ...state, status: event.data.restored_status };
    case 'DeliveryPaid':
      return {
        ...state,
        paid: true,
        facts: { ...state.facts, payment_type: event.data.payment_type, payment_status: 'paid' },
      };
    case 'DeliveryClosed':
      return { ...state, closeTime: event.data.close_time };
    case 'DeliveryReopened':
      return { ...state, closeTime: null };
    case 'CourierArrived': {
      const at = epochSeconds(event.data.position.time);
      return withVisit(state, event.data.courier_id, (visit) => ({
        ...visit,
        inside: true,
        since: at,
        lastAt: Math.max(visit.lastAt, at),
      }));
    }
    case 'DeliveryVisited': {
      const at = epochSeconds(event.data.position.time);
      return withVisit(state, event.data.courier_id, (visit) => ({
        ...visit,
        visited: true,
        lastAt: Math.max(visit.lastAt, at),
      }));
    }
    case 'CourierDeparted': {
      const at = epochSeconds(event.data.position.time);
      return withVisit(state, event.data.courier_id, (visit) => ({
        ...visit,
        inside: false,
        lastAt: Math.max(visit.lastAt, at),
      }));
    }
    case 'RouteStarted':
      return { ...state, startedRoute: event.data.route_id };
    case 'DeliveryBecameNext':
      return { ...state, nextOnRoute: event.data.route_id };
    case 'DeliveryDeleted':
    case 'PersonalDataErased':
      return { kind: 'deleted' };
    case 'DeliveryCreated':
    case 'PersonalDataChanged':
    case 'DeliveryCancellationConflict':
      return state;
  }
}

/** Total: an event that does not fit the state leaves it unchanged (the log is the truth, never refused). */
export function evolve(state: Delivery, event: DeliveryEvent): Delivery {
  if (state.kind === 'deleted') return state;
  if (state.kind === 'none') {
    if (event.type !== 'DeliveryCreated') return state;
    // Current format only (older ones are upcast by the store); clear coordinates of an old event stay out of the state.
    const {
      delivery_id,
      company_id,
      pii_ref,
      status,
      initiator: _initiator,
      at: _at,
      legacy_coordinates: _legacy,
      ...facts
    } = event.data;
    return {
      kind: 'active',
      id: delivery_id,
      companyId: company_id,
      piiRef: pii_ref,
      status,
      facts,
      paid: facts.payment_status === 'paid',
      actualDeliveredAt: null,
      closeTime: null,
      visits: {},
      startedRoute: null,
      nextOnRoute: null,
    };
  }
  return evolveActive(state, event);
}
