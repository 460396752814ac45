import {
  ActiveDelivery, OUTSIDE, Target, TrackPoint, VisitParams, VisitSettings, VisitState, isLocated, isTerminal, stepVisit, visitParams,
} from '@orders/delivery-domain';
import type { Route } from '../settings/settings.service';
import type { PositionDecision } from './position-decision';

// What the detector holds per route: the deliveries in the order the courier visits them, their stored state and
// in-memory visit machines, and what is still to record of the route's progress (START, ORDER_BECAME_NEXT).

const METRES_PER_DEGREE = 111_195;

const NOWHERE: Target = { lat: 0, lon: 0 };

/**
 * One delivery of a route as the detector follows it: the decider's state, its target point (opened from the sealed
 * record when the delivery was loaded; the decisions carry it, as the state does not), and per courier a visit machine.
 */
export class Tracked {
  params: VisitParams;
  readonly visits = new Map<string, { -readonly [K in keyof VisitState]: VisitState[K] }>();
  private cosLat = 1;
  private farSquared = 0;

  constructor(readonly deliveryId: string, public state: ActiveDelivery, public version: number, settings: VisitSettings, readonly target: Target | undefined) {
    this.params = visitParams(state, settings, target ?? NOWHERE);
    this.refresh(state, version, settings);
  }

  /** START / ORDER_BECAME_NEXT handed for this delivery and not yet seen in its state (so they are handed once). */
  startHanded = false;
  nextHanded = false;

  /** No coordinates yet (created by the intake policy): nothing to detect. */
  located = false;

  refresh(state: ActiveDelivery, version: number, settings: VisitSettings): void {
    this.state = state;
    this.located = isLocated(state) && this.target !== undefined;
    this.version = version;
    this.params = visitParams(state, settings, this.target ?? NOWHERE);
    this.cosLat = Math.cos((this.params.target.lat * Math.PI) / 180);
    // A flat-earth distance is within a fraction of a percent here; the margin keeps the shortcut conservative.
    const far = this.params.radiusM * 1.05 + 25;
    this.farSquared = far * far;
  }

  /** Certainly outside the radius: the exact machine would only note the time, so the shortcut does just that. */
  isFar(point: TrackPoint): boolean {
    const dy = (point.lat - this.params.target.lat) * METRES_PER_DEGREE;
    const dx = (point.lon - this.params.target.lon) * METRES_PER_DEGREE * this.cosLat;
    return dx * dx + dy * dy > this.farSquared;
  }

  // A route has one courier: the last one asked is almost always the next (saves a map lookup per point).
  private lastCourier?: string;
  private lastVisit?: { -readonly [K in keyof VisitState]: VisitState[K] };

  visitOf(courierId: string) {
    if (this.lastCourier === courierId && this.lastVisit) return this.lastVisit;
    let visit = this.visits.get(courierId);
    if (!visit) {
      visit = { ...(this.state.visits[courierId] ?? OUTSIDE) };
      this.visits.set(courierId, visit);
    }
    this.lastCourier = courierId;
    this.lastVisit = visit;
    return visit;
  }
}

/** How many of a route's last points are kept, and for how long after they came, to evaluate for a delivery joining it. */
export const RECENT_POINTS = 32;
export const RECENT_POINTS_MS = 60_000;

/**
 * A route's last points as they came (a ring: no allocation per point). A delivery can join the route after a point
 * was detected without it: its creation committed on another instance and the log told this one a moment later, or
 * the point came while its membership was being loaded. The joining delivery's machine is run over these, so the
 * point is evaluated once the membership is known; for the deliveries already there they are old and change nothing.
 */
export class RecentPoints {
  private readonly couriers: string[] = [];
  private readonly points: TrackPoint[] = [];
  private readonly receivedAt: number[] = [];
  private next = 0;

  add(courierId: string, points: readonly TrackPoint[], now: number): void {
    for (const point of points) {
      this.couriers[this.next] = courierId;
      this.points[this.next] = point;
      this.receivedAt[this.next] = now;
      this.next = (this.next + 1) % RECENT_POINTS;
    }
  }

  /** The points of the last RECENT_POINTS_MS by courier, oldest first. */
  byCourier(now: number): Map<string, TrackPoint[]> {
    const result = new Map<string, TrackPoint[]>();
    for (let i = 0; i < this.points.length; i++) {
      if (now - this.receivedAt[i] > RECENT_POINTS_MS) continue;
      const list = result.get(this.couriers[i]);
      if (list) list.push(this.points[i]);
      else result.set(this.couriers[i], [this.points[i]]);
    }
    result.forEach((points) => points.sort((a, b) => a.timestamp - b.timestamp));
    return result;
  }
}

export interface RouteWatch {
  readonly route: Route;
  readonly settings: VisitSettings;
  readonly deliveries: Map<string, Tracked>;
  /** The same deliveries as an array, in route order: the per-point loop walks it without allocating map entries. */
  list: Tracked[];
  readonly loadedAt: number;
  /** Kept across reloads of the list (the same object). */
  readonly recent: RecentPoints;
  /** Some delivery has not recorded this route's START yet; the next to visit may not be marked (checked on change). */
  startPending: boolean;
  nextPending: boolean;
}

export interface Moves { readonly deliveryId: string; readonly subjectId: string; readonly points: TrackPoint[]; readonly target: Target }
export const NO_MOVES: Moves[] = [];

/**
 * The route's progress as decisions, checked only when something changed (a load, a machine that moved, a decision
 * applied): START on every delivery that has not recorded it, at the courier's first point; ORDER_BECAME_NEXT on
 * the first delivery in route order that is open and not yet visited by the courier. Both derive from stored state
 * and the machines, so after a restart the same check hands again whatever was not recorded.
 */
export function progressDecisions(watch: RouteWatch, courierId: string, point: TrackPoint): PositionDecision[] {
  const { route } = watch;
  const decision = (tracked: Tracked, command: PositionDecision['command']): PositionDecision =>
    ({ companyId: route.company_id, courierId, routeId: route.route_id, deliveryId: tracked.deliveryId, subjectId: tracked.state.piiRef, command });
  const at = new Date(point.timestamp * 1000).toISOString();
  const decisions: PositionDecision[] = [];
  if (watch.startPending) {
    watch.startPending = false;
    for (const tracked of watch.list) {
      if (tracked.startHanded || tracked.state.startedRoute === route.route_id) continue;
      tracked.startHanded = true;
      decisions.push(decision(tracked, { type: 'StartRoute', at, position: { lat: point.lat, lon: point.lon, time: at } }));
    }
  }
  if (watch.nextPending) {
    watch.nextPending = false;
    const next = watch.list.find((tracked) => !isTerminal(tracked.state.status) && !tracked.visitOf(courierId).visited);
    if (next && !next.nextHanded && next.state.nextOnRoute !== route.route_id) {
      next.nextHanded = true;
      decisions.push(decision(next, { type: 'MarkDeliveryNext', at }));
    }
  }
  return decisions;
}

/** Runs sorted points through one delivery's machine for a courier; returns those that moved it (undefined: none). */
export function stepTracked(tracked: Tracked, courierId: string, sorted: readonly TrackPoint[]): TrackPoint[] | undefined {
  const visit = tracked.visitOf(courierId);
  let moving: TrackPoint[] | undefined;
  for (const point of sorted) {
    if (!(point.timestamp > visit.lastAt)) continue;
    if (!visit.inside && tracked.isFar(point)) {
      visit.lastAt = point.timestamp;
      continue;
    }
    const step = stepVisit(visit, point, tracked.params);
    Object.assign(visit, step.state);
    if (step.transitions.length > 0) (moving ??= []).push(point);
  }
  return moving;
}
