import { Injectable, Logger } from '@nestjs/common';
import { OUTSIDE, Target, TrackPoint, VisitSettings, stepVisit } from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { Decided, DeliveryCommands } from '../orders/delivery-commands';
import { Route, SettingsService } from '../settings/settings.service';
import type { PositionDecision } from './position-decision';
import { Handoff, PositionDecisions } from './position-decisions';
import { Moves, NO_MOVES, RouteWatch, Tracked, progressDecisions } from './route-watch';
import { TargetPoints } from './target-points';

/**
 * How long a route's list of deliveries (and their facts) is trusted before it is checked against the read model
 * again (in the background: points keep flowing on the list at hand meanwhile). Decisions taken here update the list
 * at once; this bounds how late a change made elsewhere (a PATCH of coordinates, a new order on the route) is seen.
 */
export const ROUTE_REFRESH_MS = 15_000;
const REFRESH_BATCH = 500;
const NO_PROGRESS: PositionDecision[] = [];
const earliest = (points: readonly TrackPoint[]): TrackPoint => points.reduce((first, point) => (point.timestamp < first.timestamp ? point : first));

/**
 * Courier positions to visits. The pure visit machine runs here in memory for every point and every delivery of the
 * courier's route; only a point that changes a machine (arrival, visit, departure) becomes a decision, handed to
 * `PositionDecisions`, which records it durably and applies it in the background as an EvaluatePositions command
 * (the decider checks it again against the delivery's stored state). So thousands of points per second cost no
 * database work, a batch never waits for the event store, and the log stays the authority: after a restart the
 * first point re-aligns memory with it.
 *
 * `offer` is synchronous while nothing needs the database (the common case) and returns a promise otherwise (the
 * decisions being recorded, or a route list being loaded); one courier's points are applied in arrival order (a
 * courier whose route list is loading queues behind it).
 */
@Injectable()
export class VisitDetector {
  private readonly logger = new Logger(VisitDetector.name);
  private readonly routes = new Map<string, RouteWatch>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(private readonly store: EventStore, private readonly commands: DeliveryCommands, private readonly settings: SettingsService,
    private readonly decisions: PositionDecisions, private readonly targets: TargetPoints) {
    decisions.onApplied((decision, decided) => this.learn(decision, decided));
  }

  /** Applies the decisions a previous run recorded but did not apply; run before consuming positions. */
  recoverUnapplied(): Promise<number> {
    return this.decisions.recoverUnapplied();
  }

  /** Resolves when every decision taken so far is in the event store. */
  drained(): Promise<void> {
    return this.decisions.drained();
  }

  /** Applies a batch; resolves when it was applied, including the decisions it caused (the HTTP push answers then). */
  async push(courierId: string, route: Route, points: readonly TrackPoint[], correlationId?: string): Promise<void> {
    const handoff = await this.detect(courierId, route, points, () => correlationId);
    await handoff?.recorded;
    await handoff?.applied;
  }

  /**
   * Undefined when the batch was applied at once; a promise when it needed the database (resolved once durable).
   * `correlationOf` is asked only when the points lead to a decision (reading a header costs more than most points).
   */
  offer(courierId: string, route: Route, points: readonly TrackPoint[], correlationOf: () => string | undefined): Promise<void> | undefined {
    const detected = this.detect(courierId, route, points, correlationOf);
    if (detected === undefined) return undefined;
    if (detected instanceof Promise) return detected.then((handoff) => handoff?.recorded);
    return detected.recorded;
  }

  private detect(courierId: string, route: Route, points: readonly TrackPoint[], correlationOf: () => string | undefined): Handoff | undefined | Promise<Handoff | undefined> {
    const queued = this.loading.get(courierId);
    const watch = this.routes.get(route.route_id);
    if (!queued && watch) {
      if (Date.now() - watch.loadedAt >= ROUTE_REFRESH_MS) this.refreshLater(route);
      return this.detectOn(watch, courierId, points, correlationOf);
    }
    const loaded = (queued ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const fresh = await this.watch(route);
      return this.detectOn(fresh, courierId, points, correlationOf);
    });
    this.loading.set(courierId, loaded);
    const clear = () => {
      if (this.loading.get(courierId) === loaded) this.loading.delete(courierId);
    };
    loaded.then(clear, clear);
    return loaded;
  }

  /** Steps the points; the route's progress is taken first, as it stood before them (next, then visited). */
  private detectOn(watch: RouteWatch, courierId: string, points: readonly TrackPoint[], correlationOf: () => string | undefined): Handoff | undefined {
    const progress = (watch.startPending || watch.nextPending) && points.length > 0 ? progressDecisions(watch, courierId, earliest(points)) : NO_PROGRESS;
    const moves = this.step(watch, courierId, points);
    if (moves.length > 0) watch.nextPending = true;
    if (moves.length === 0 && progress.length === 0) return undefined;
    return this.handOff(watch, courierId, progress, moves, correlationOf());
  }

  private handOff(watch: RouteWatch, courierId: string, progress: readonly PositionDecision[], moves: readonly Moves[], correlationId?: string): Handoff {
    const { route } = watch;
    const decisions: PositionDecision[] = moves.map((move) => ({
      companyId: route.company_id, courierId, routeId: route.route_id, deliveryId: move.deliveryId, subjectId: move.subjectId, correlationId,
      command: { type: 'EvaluatePositions', points: move.points, settings: watch.settings, target: move.target },
    }));
    const handoff = this.decisions.hand([...progress.map((decision) => ({ ...decision, correlationId })), ...decisions]);
    // Not recorded: memory is ahead of the log for this route. Forget it, so the redelivered points are detected
    // again from the stored state.
    handoff.recorded.catch(() => this.routes.delete(route.route_id));
    return handoff;
  }

  private readonly stale = new Map<string, Route>();
  private refreshing = false;

  /**
   * Re-reads a route's list in the background; the current list serves until the new one is in place. Stale routes
   * are gathered and read together (up to REFRESH_BATCH per query): a steady stream makes every route stale once
   * per ROUTE_REFRESH_MS, and one round trip per route would cost more than the points themselves.
   */
  private refreshLater(route: Route): void {
    this.stale.set(route.route_id, route);
    if (this.refreshing) return;
    this.refreshing = true;
    setTimeout(() => void this.refreshStale(), 50);
  }

  private async refreshStale(): Promise<void> {
    try {
      while (this.stale.size > 0) {
        const routes = [...this.stale.values()].slice(0, REFRESH_BATCH);
        routes.forEach((route) => this.stale.delete(route.route_id));
        await this.load(routes).catch((error: unknown) => this.logger.warn(`${routes.length} routes not refreshed: ${String(error)}`));
      }
    } finally {
      this.refreshing = false;
    }
  }

  /** Runs the points through each delivery's machine in memory; returns the deliveries whose machine moved. */
  private step(watch: RouteWatch, courierId: string, points: readonly TrackPoint[]): Moves[] {
    const sorted = points.length > 1 ? [...points].sort((a, b) => a.timestamp - b.timestamp) : points;
    let moves: Moves[] | undefined;
    for (const tracked of watch.list) {
      if (!tracked.located) continue;
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
      if (moving) (moves ??= []).push({ deliveryId: tracked.deliveryId, subjectId: tracked.state.piiRef, points: moving, target: tracked.params.target });
    }
    return moves ?? NO_MOVES;
  }

  /** A decision was appended: take the delivery's new state (status, version); drop it once it is gone. */
  private learn(decision: PositionDecision, decided: Decided): void {
    const watch = this.routes.get(decision.routeId);
    const tracked = watch?.deliveries.get(decision.deliveryId);
    if (!watch || !tracked) return;
    if (decided.state.kind !== 'active') {
      watch.deliveries.delete(decision.deliveryId);
      watch.list = [...watch.deliveries.values()];
      watch.nextPending = true;
      return;
    }
    tracked.refresh(decided.state, decided.version, watch.settings);
    if (decided.events.length > 0) watch.nextPending = true;
    // Memory runs ahead of the log while the courier has decisions in flight; once none is left, the two must agree,
    // and where the decider saw it otherwise (a status changed meanwhile), the stored machine wins.
    if (this.decisions.unappliedOf(decision.courierId) > 0) return;
    const visit = tracked.visitOf(decision.courierId);
    const stored = decided.state.visits[decision.courierId] ?? OUTSIDE;
    Object.assign(visit, stored, { lastAt: Math.max(stored.lastAt, visit.lastAt) });
  }

  /** The route's deliveries with their current facts; refreshed from the read model when older than ROUTE_REFRESH_MS. */
  private async watch(route: Route): Promise<RouteWatch> {
    const known = this.routes.get(route.route_id);
    if (known && Date.now() - known.loadedAt < ROUTE_REFRESH_MS) return known;
    const [watch] = await this.load([route]);
    return watch;
  }

  /** (Re)loads routes' lists in one query; a delivery whose stored version did not move keeps its state and machines. */
  private async load(routes: readonly Route[]): Promise<RouteWatch[]> {
    // Route order is the order of addition (Track & Trace, without an orders-sequence).
    const { rows } = await this.store.pool.query<{ route_id: string; company_id: string; delivery_id: string; version: number }>(
      `SELECT r.route_id, r.company_id, r.delivery_id, r.version FROM courier_route_deliveries r JOIN delivery_details d USING (delivery_id)
        WHERE r.route_id = ANY($1) ORDER BY r.route_id, d.created_at, r.delivery_id`, [routes.map((route) => route.route_id)]);
    const byRoute = new Map<string, typeof rows>();
    for (const row of rows) byRoute.set(row.route_id, [...(byRoute.get(row.route_id) ?? []), row]);
    // Target points are opened only for deliveries (re)loaded now: one whose version did not move keeps its own.
    const changed = rows.filter((row) => !this.isCurrent(row.route_id, row.delivery_id, row.version)).map((row) => row.delivery_id);
    const targets = await this.targets.of(changed);
    const watches: RouteWatch[] = [];
    for (const route of routes) {
      const settings = await this.settings.visitSettings(route.company_id, route.depot_id);
      const known = this.routes.get(route.route_id);
      const deliveries = new Map<string, Tracked>();
      for (const row of byRoute.get(route.route_id) ?? []) {
        if (row.company_id !== route.company_id) continue;
        const tracked = await this.track(row.delivery_id, row.version, settings, known?.deliveries.get(row.delivery_id), targets.get(row.delivery_id));
        if (tracked) deliveries.set(row.delivery_id, tracked);
      }
      const list = [...deliveries.values()];
      const startPending = list.some((tracked) => tracked.state.startedRoute !== route.route_id);
      const watch: RouteWatch = { route, settings, deliveries, list, loadedAt: Date.now(), startPending, nextPending: true };
      this.routes.set(route.route_id, watch);
      watches.push(watch);
    }
    return watches;
  }

  private isCurrent(routeId: string, deliveryId: string, version: number): boolean {
    const previous = this.routes.get(routeId)?.deliveries.get(deliveryId);
    return previous !== undefined && previous.version >= version;
  }

  private async track(deliveryId: string, version: number, settings: VisitSettings, previous: Tracked | undefined, target: Target | undefined): Promise<Tracked | undefined> {
    if (previous && previous.version >= version) {
      previous.refresh(previous.state, previous.version, settings);
      return previous;
    }
    try {
      const tracked = new Tracked(deliveryId, await this.commands.active(deliveryId), version, settings, target);
      previous?.visits.forEach((visit, courier) => tracked.visits.set(courier, visit));
      return tracked;
    } catch (error) {
      this.logger.debug(`delivery ${deliveryId} left its route: ${(error as Error).message}`);
      return undefined;
    }
  }
}
