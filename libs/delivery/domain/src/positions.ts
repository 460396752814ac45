import type { EvaluatePositions, VisitSettings } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import type { ActiveDelivery } from './delivery.state';
import { requiredDwellSeconds, resolveRadius } from './radius';
import { changeStatus } from './status-rules';
import { OUTSIDE, TrackPoint, VisitParams, VisitTransition, VisitState, stepVisit } from './visit-machine';
import { DeliveryStatus, isTerminal } from './validation';

/**
 * Auto-finish applies to every open status: new, confirmed and postponed (INV-D7, open question 2 of domain.md §4.4,
 * decided here). The seed (002, `mark_delivered_radius`) states the rule with exactly two conditions: the company's
 * `mark_delivered_enabled`, and an uninterrupted stay of `coefficient × (service_duration_s +
 * shared_service_duration_s)` within the radius; it names no status. And it defines `postponed` as "the order is
 * postponed or the courier couldn't contact the customer": an open order awaiting another attempt, not an outcome.
 * A later stay long enough to hand the order over is that attempt, so Track & Trace marks it delivered like any other.
 * Terminal statuses (finished, partially_finished, cancelled) never change.
 */
const AUTO_FINISHABLE: readonly DeliveryStatus[] = ['new', 'confirmed', 'postponed'];

const isoOf = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

/** Whether the delivery has coordinates to detect visits at (the numbers are sealed: the command brings them). */
export const isLocated = (state: ActiveDelivery): boolean => state.facts.located;

export interface Target { readonly lat: number; readonly lon: number }

/** The visit machine's parameters for one delivery at `target`, with the radius chosen by precedence (R-YC-2). */
export function visitParams(state: ActiveDelivery, settings: VisitSettings, target: Target, status: DeliveryStatus = state.status): VisitParams {
  const { facts } = state;
  return {
    target: { lat: target.lat, lon: target.lon },
    radiusM: resolveRadius(facts.mark_delivered_radius, settings.depot_mark_delivered_radius, settings.company_mark_delivered_radius),
    requiredDwellS: requiredDwellSeconds(settings.mark_delivered_service_time_coefficient, facts.service_duration_s, facts.shared_service_duration_s),
    dwellNotBeforeS: facts.eta_type === 'delivery_time' ? Math.floor(Date.parse(facts.time_window.start) / 1000) : undefined,
    terminal: isTerminal(status),
  };
}

function transitionEvents(transition: VisitTransition, courierId: string, params: VisitParams): DeliveryEvent[] {
  const position = { lat: transition.point.lat, lon: transition.point.lon, time: isoOf(transition.point.timestamp) };
  const radius = params.radiusM;
  switch (transition.kind) {
    case 'arrived':
      return [{ type: 'CourierArrived', data: { courier_id: courierId, position, used_mark_delivered_radius: radius } }];
    case 'departed':
      return [{ type: 'CourierDeparted', data: { courier_id: courierId, position, used_mark_delivered_radius: radius, dwell_s: transition.dwellS } }];
    case 'visited':
      return [{
        type: 'DeliveryVisited',
        data: { courier_id: courierId, position, used_mark_delivered_radius: radius, dwell_s: transition.dwellS, required_dwell_s: params.requiredDwellS },
      }];
  }
}

/**
 * Runs the courier's points through the visit machine in time order. A visit finishes the delivery automatically
 * (initiator yandex) only where the company enables it and the status allows it; late, duplicate or post-terminal
 * points never change the status.
 */
export function evaluatePositions(command: EvaluatePositions, state: ActiveDelivery): DeliveryEvent[] {
  const { courier_id: courierId, settings, target } = command.data;
  if (!isLocated(state)) return [];
  const points: TrackPoint[] = [...command.data.positions].sort((a, b) => a.timestamp - b.timestamp);
  let visit: VisitState = state.visits[courierId] ?? OUTSIDE;
  let status = state.status;
  const events: DeliveryEvent[] = [];
  for (const point of points) {
    const params = visitParams(state, settings, target, status);
    const step = stepVisit(visit, point, params);
    visit = step.state;
    for (const transition of step.transitions) {
      events.push(...transitionEvents(transition, courierId, params));
      if (transition.kind === 'visited' && settings.mark_delivered_enabled && AUTO_FINISHABLE.includes(status)) {
        const at = isoOf(point.timestamp);
        events.push(...changeStatus({ ...state, status }, {
          to: 'finished', initiator: 'yandex', at, partiallyFinishedAllowed: false, point: { lat: point.lat, lon: point.lon }, actualDeliveredAt: at,
        }));
        status = 'finished';
      }
    }
  }
  return events;
}
