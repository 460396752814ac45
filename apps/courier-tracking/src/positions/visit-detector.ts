import { Injectable, Logger } from '@nestjs/common';
import {
  ActiveDelivery, EvaluatePositions, OUTSIDE, TrackPoint, VisitParams, VisitSettings, VisitState, isLocated, stepVisit, visitParams,
} from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { DeliveryCommands } from '../orders/delivery-commands';
import { Route, SettingsService } from '../settings/settings.service';

/**
 * How long a route's list of deliveries (and their facts) is trusted before it is checked against the read model
 * again (in the background: points keep flowing on the list at hand meanwhile). Decisions taken here update the list
 * at once; this bounds how late a change made elsewhere (a PATCH of coordinates, a new order on the route) is seen.
 */
export const ROUTE_REFRESH_MS = 15_000;
const METRES_PER_DEGREE = 111_195;

/** One delivery of a route as the detector follows it: the decider's state, and per courier a visit machine. */
class Tracked {
  params: VisitParams;
  readonly visits = new Map<string, { -readonly [K in keyof VisitState]: VisitState[K] }>();
  private cosLat = 1;
  private farSquared = 0;

  constructor(readonly deliveryId: string, public state: ActiveDelivery, public version: number, settings: VisitSettings) {
    this.params = visitParams(state, settings);
    this.refresh(state, version, settings);
  }

  refresh(state: ActiveDelivery, version: number, settings: VisitSettings): void {
    this.state = state;
    this.version = version;
    this.params = visitParams(state, settings);
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

interface RouteWatch {
  readonly route: Route;
  readonly settings: VisitSettings;
  readonly deliveries: Map<string, Tracked>;
  /** The same deliveries as an array: the per-point loop walks it without allocating map entries. */
  list: Tracked[];
  readonly loadedAt: number;
}

interface Moves { readonly deliveryId: string; readonly tracked: Tracked; readonly points: TrackPoint[]; readonly lastAt: number }

/**
 * Courier positions to visits. The pure visit machine runs here in memory for every point and every delivery of the
 * courier's route; only a point that changes a machine (arrival, visit, departure) becomes an EvaluatePositions
 * command, which the decider checks again against the delivery's stored state. So thousands of points per second
 * cost no database work, and the log stays the authority: after a restart the first point re-aligns memory with it.
 *
 * `offer` is synchronous while nothing needs the database (the common case) and returns a promise otherwise; one
 * courier's points are applied in arrival order (a courier with work in flight queues behind it).
 */
@Injectable()
export class VisitDetector {
  private readonly logger = new Logger(VisitDetector.name);
  private readonly routes = new Map<string, RouteWatch>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: EventStore, private readonly commands: DeliveryCommands, private readonly settings: SettingsService) {}

  /** Applies a batch; resolves when it was applied (including any decisions it caused). */
  async push(courierId: string, route: Route, points: readonly TrackPoint[], correlationId?: string): Promise<void> {
    await this.offer(courierId, route, points, correlationId);
  }

  /** Undefined when the batch was applied at once; a promise when it needed (or waits for) the database. */
  offer(courierId: string, route: Route, points: readonly TrackPoint[], correlationId?: string): Promise<void> | undefined {
    const queued = this.queues.get(courierId);
    const watch = this.routes.get(route.route_id);
    if (!queued && watch) {
      if (Date.now() - watch.loadedAt >= ROUTE_REFRESH_MS) this.refreshLater(route);
      const moves = this.step(watch, courierId, points);
      if (moves.length === 0) return undefined;
      return this.enqueue(courierId, () => this.decideAll(watch, courierId, moves, correlationId));
    }
    return this.enqueue(courierId, async () => {
      const fresh = await this.watch(route);
      const moves = this.step(fresh, courierId, points);
      if (moves.length > 0) await this.decideAll(fresh, courierId, moves, correlationId);
    });
  }

  private readonly refreshing = new Set<string>();

  /** Re-reads a route's list in the background; the current list serves until the new one is in place. */
  private refreshLater(route: Route): void {
    if (this.refreshing.has(route.route_id)) return;
    this.refreshing.add(route.route_id);
    this.watch(route, true)
      .catch((error: unknown) => this.logger.warn(`route ${route.route_id} not refreshed: ${String(error)}`))
      .finally(() => this.refreshing.delete(route.route_id));
  }

  private enqueue(courierId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(courierId) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.queues.set(courierId, next);
    const clear = () => {
      if (this.queues.get(courierId) === next) this.queues.delete(courierId);
    };
    next.then(clear, clear);
    return next;
  }

  /** Runs the points through each delivery's machine in memory; returns the deliveries whose machine moved. */
  private step(watch: RouteWatch, courierId: string, points: readonly TrackPoint[]): Moves[] {
    const sorted = points.length > 1 ? [...points].sort((a, b) => a.timestamp - b.timestamp) : points;
    const moves: Moves[] = [];
    for (const tracked of watch.list) {
      if (!isLocated(tracked.state)) continue;
      const deliveryId = tracked.deliveryId;
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
      if (moving) moves.push({ deliveryId, tracked, points: moving, lastAt: visit.lastAt });
    }
    return moves;
  }

  private async decideAll(watch: RouteWatch, courierId: string, moves: readonly Moves[], correlationId?: string): Promise<void> {
    for (const move of moves) {
      const command: EvaluatePositions = {
        type: 'EvaluatePositions',
        data: { courier_id: courierId, positions: move.points, settings: watch.settings },
        metadata: { now: new Date().toISOString(), actor: `courier:${courierId}`, correlationId },
      };
      const decided = await this.commands.handle(watch.route.company_id, move.deliveryId, command);
      if (decided.state.kind !== 'active') {
        watch.deliveries.delete(move.deliveryId);
        watch.list = [...watch.deliveries.values()];
        continue;
      }
      move.tracked.refresh(decided.state, decided.version, watch.settings);
      const stored = decided.state.visits[courierId] ?? OUTSIDE;
      // In place: the machine object is shared by reference (watch refreshes, the last-courier shortcut).
      Object.assign(move.tracked.visitOf(courierId), stored, { lastAt: Math.max(stored.lastAt, move.lastAt) });
    }
  }

  /** The route's deliveries with their current facts; refreshed from the read model when older than ROUTE_REFRESH_MS. */
  private async watch(route: Route, force = false): Promise<RouteWatch> {
    const known = this.routes.get(route.route_id);
    if (known && !force && Date.now() - known.loadedAt < ROUTE_REFRESH_MS) return known;
    const settings = await this.settings.visitSettings(route.company_id, route.depot_id);
    const { rows } = await this.store.pool.query<{ delivery_id: string; version: number }>(
      'SELECT delivery_id, version FROM courier_route_deliveries WHERE route_id = $1 AND company_id = $2', [route.route_id, route.company_id]);
    const deliveries = new Map<string, Tracked>();
    for (const row of rows) {
      const previous = known?.deliveries.get(row.delivery_id);
      if (previous && previous.version >= row.version) {
        previous.refresh(previous.state, previous.version, settings);
        deliveries.set(row.delivery_id, previous);
        continue;
      }
      try {
        const state = await this.commands.active(row.delivery_id);
        const tracked = new Tracked(row.delivery_id, state, row.version, settings);
        previous?.visits.forEach((visit, courier) => tracked.visits.set(courier, visit));
        deliveries.set(row.delivery_id, tracked);
      } catch (error) {
        this.logger.debug(`delivery ${row.delivery_id} left route ${route.route_id}: ${(error as Error).message}`);
      }
    }
    const watch: RouteWatch = { route, settings, deliveries, list: [...deliveries.values()], loadedAt: Date.now() };
    this.routes.set(route.route_id, watch);
    return watch;
  }
}
