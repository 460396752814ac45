import type { MarkDeliveryNext, StartRoute } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import type { ActiveDelivery } from './delivery.state';
import { isTerminal } from './validation';

// Track & Trace history items START and ORDER_BECAME_NEXT (seed 002 OrderHistoryItem; domain.md §2.3 RouteStarted,
// DeliveryBecameNext). Both are facts about the route as seen from one of its orders, recorded once per route: a
// repeat is already satisfied (no events), and a delivery that moved to another route ignores the old route's news.

/** START: the courier's route began; every delivery on it records it, whatever its status. */
export function startRoute(command: StartRoute, state: ActiveDelivery): DeliveryEvent[] {
  const { route_id, courier_id, at, position } = command.data;
  if (state.facts.route_id !== route_id || state.startedRoute === route_id) return [];
  return [{ type: 'RouteStarted', data: { route_id, courier_id, ...(position ? { position } : {}), at } }];
}

/** ORDER_BECAME_NEXT: only an open delivery can be the courier's next stop. */
export function markNext(command: MarkDeliveryNext, state: ActiveDelivery): DeliveryEvent[] {
  const { route_id, courier_id, at } = command.data;
  if (state.facts.route_id !== route_id || state.nextOnRoute === route_id || isTerminal(state.status)) return [];
  return [{ type: 'DeliveryBecameNext', data: { route_id, courier_id, at } }];
}
