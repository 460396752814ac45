import { referenceId, referenceIdOrNull } from '../deliveries/reference-ids';
import type { Route } from '../settings/settings.service';

/** A route as the API answers it: its ids as Track & Trace shows them (integers where they are spelt so). */
export function routeAnswer(route: Route) {
  return {
    route_id: referenceId(route.route_id),
    company_id: referenceId(route.company_id),
    courier_id: referenceId(route.courier_id),
    depot_id: referenceIdOrNull(route.depot_id),
    date: route.date,
  };
}

export type RouteAnswer = ReturnType<typeof routeAnswer>;
