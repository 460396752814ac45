import { Injectable, Logger } from '@nestjs/common';
import { OUTSIDE, TrackPoint } from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { Decided, DeliveryCommands } from '../deliveries/delivery-commands';
import { Route, SettingsService, keyOfRoute, routeKey } from '../settings/settings.service';
import type { PositionDecision } from './position-decision';
import { Handoff, PositionDecisions } from './position-decisions';
import { RouteLists } from './route-lists';
import { RouteMembership } from './route-membership';
import { Moves, NO_MOVES, RouteWatch, Tracked, progressDecisions, stepTracked } from './route-watch';
import { TargetPoints } from './target-points';

const NO_PROGRESS: PositionDecision[] = [];
const earliest = (points: readonly TrackPoint[]): TrackPoint =>
  points.reduce((first, point) => (point.timestamp < first.timestamp ? point : first));

/**
 * Courier positions to visits. The pure visit machine runs here in memory for every point and every delivery of the
 * courier's route; only a point that changes a machine (arrival, visit, departure) becomes a decision, handed to
 * `PositionDecisions`, which records it durably and applies it in the background as an EvaluatePositions command
 * (the decider checks it again against the delivery's stored state). So thousands of points per second cost no
 * database work, a batch never waits for the event store, and the log stays the authority: after a restart the
 * first point re-aligns memory with it.
 *
 * Which deliveries a route has is kept by RouteLists as their events happen (route-membership.ts), not on a timer;
 * each route also keeps its last points a while (RecentPoints), so a delivery that joins after a point (its creation
 * seen a moment later from another instance) has that point evaluated when it joins.
 *
 * `offer` is synchronous while nothing needs the database (the common case) and returns a promise otherwise (the
 * decisions being recorded, a route list or a joining delivery being loaded); one courier's points are applied in
 * arrival order (a courier whose route list is loading queues behind it).
 */
@Injectable()
export class VisitDetector {
  private readonly logger = new Logger(VisitDetector.name);
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly lists: RouteLists;
  private readonly routes: Map<string, RouteWatch>;

  constructor(
    store: EventStore,
    commands: DeliveryCommands,
    settings: SettingsService,
    private readonly decisions: PositionDecisions,
    targets: TargetPoints,
    membership: RouteMembership,
  ) {
    decisions.onApplied((decision, decided) => this.learn(decision, decided));
    this.lists = new RouteLists({
      store,
      commands,
      settings,
      targets,
      membership,
      joined: (watch, tracked) => this.replay(watch, tracked),
    });
    this.routes = this.lists.routes;
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
  offer(
    courierId: string,
    route: Route,
    points: readonly TrackPoint[],
    correlationOf: () => string | undefined,
  ): Promise<void> | undefined {
    const detected = this.detect(courierId, route, points, correlationOf);
    if (detected === undefined) return undefined;
    if (detected instanceof Promise) return detected.then((handoff) => handoff?.recorded);
    return detected.recorded;
  }

  private detect(
    courierId: string,
    route: Route,
    points: readonly TrackPoint[],
    correlationOf: () => string | undefined,
  ): Handoff | undefined | Promise<Handoff | undefined> {
    // Behind the courier's own earlier points still loading, or a delivery joining the route (its point may be this one).
    const key = keyOfRoute(route);
    const queued = this.loading.get(courierId) ?? this.lists.joining.get(key);
    const watch = this.routes.get(key);
    if (!queued && watch) {
      if (this.lists.isStale(watch)) this.lists.refreshLater(route);
      return this.detectOn(watch, courierId, points, correlationOf);
    }
    const loaded = (queued ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const fresh = await this.lists.watch(route);
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
  private detectOn(
    watch: RouteWatch,
    courierId: string,
    points: readonly TrackPoint[],
    correlationOf: () => string | undefined,
  ): Handoff | undefined {
    const progress =
      (watch.startPending || watch.nextPending) && points.length > 0
        ? progressDecisions(watch, courierId, earliest(points))
        : NO_PROGRESS;
    const moves = this.step(watch, courierId, points);
    watch.recent.add(courierId, points, Date.now());
    if (moves.length > 0) watch.nextPending = true;
    if (moves.length === 0 && progress.length === 0) return undefined;
    return this.handOff(watch, courierId, progress, moves, correlationOf());
  }

  private handOff(
    watch: RouteWatch,
    courierId: string,
    progress: readonly PositionDecision[],
    moves: readonly Moves[],
    correlationId?: string,
  ): Handoff {
    const { route } = watch;
    const decisions: PositionDecision[] = moves.map((move) => ({
      companyId: route.company_id,
      courierId,
      routeId: route.route_id,
      deliveryId: move.deliveryId,
      subjectId: move.subjectId,
      correlationId,
      command: { type: 'EvaluatePositions', points: move.points, settings: watch.settings, target: move.target },
    }));
    const handoff = this.decisions.hand([
      ...progress.map((decision) => ({ ...decision, correlationId })),
      ...decisions,
    ]);
    // Not recorded: memory is ahead of the log for this route. Forget it, so the redelivered points are detected
    // again from the stored state.
    handoff.recorded.catch(() => this.routes.delete(keyOfRoute(route)));
    return handoff;
  }

  /** Runs the points through each delivery's machine in memory; returns the deliveries whose machine moved. */
  private step(watch: RouteWatch, courierId: string, points: readonly TrackPoint[]): Moves[] {
    const sorted = points.length > 1 ? [...points].sort((a, b) => a.timestamp - b.timestamp) : points;
    let moves: Moves[] | undefined;
    for (const tracked of watch.list) {
      if (!tracked.located) continue;
      const moving = stepTracked(tracked, courierId, sorted);
      if (moving)
        (moves ??= []).push({
          deliveryId: tracked.deliveryId,
          subjectId: tracked.state.piiRef,
          points: moving,
          target: tracked.params.target,
        });
    }
    return moves ?? NO_MOVES;
  }

  /**
   * A delivery joined the route (or was reloaded there): the route's recent points are run through its machine, so
   * a point that came before its membership was known is evaluated now. The others' machines saw them already.
   */
  private replay(watch: RouteWatch, tracked: Tracked): void {
    if (!tracked.located) return;
    for (const [courierId, points] of watch.recent.byCourier(Date.now())) {
      const moving = stepTracked(tracked, courierId, points);
      if (!moving) continue;
      watch.nextPending = true;
      const move = {
        deliveryId: tracked.deliveryId,
        subjectId: tracked.state.piiRef,
        points: moving,
        target: tracked.params.target,
      };
      const handoff = this.handOff(watch, courierId, NO_PROGRESS, [move]);
      handoff.applied.catch((error: unknown) =>
        this.logger.warn(`replayed points for delivery ${tracked.deliveryId} not applied: ${String(error)}`),
      );
    }
  }

  /** A decision was appended: take the delivery's new state (status, version); drop it once it is gone. */
  private learn(decision: PositionDecision, decided: Decided): void {
    const watch = this.routes.get(routeKey(decision.companyId, decision.routeId));
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
}
