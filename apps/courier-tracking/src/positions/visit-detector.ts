import { Injectable, Logger } from '@nestjs/common';
import {
  ActiveDelivery, EvaluatePositions, OUTSIDE, isLocated, TrackPoint, VisitParams, VisitSettings, VisitState, stepVisit, visitParams,
} from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { DeliveryCommands } from '../orders/delivery-commands';
import { Route, SettingsService } from '../settings/settings.service';

/** One delivery of a route as the detector follows it: the decider's state and, per courier, the visit machine. */
interface Tracked {
  state: ActiveDelivery;
  version: number;
  params: VisitParams;
  readonly visits: Map<string, VisitState>;
}

interface RouteWatch {
  readonly route: Route;
  readonly settings: VisitSettings;
  readonly deliveries: Map<string, Tracked>;
  readonly loadedAt: number;
}

/** How long a route's list of deliveries (and their facts) is trusted before it is checked against the read model. */
export const ROUTE_REFRESH_MS = 5_000;

export interface PushOutcome {
  readonly points: number;
  /** Decisions taken (a batch of points that moved a visit machine), i.e. commands sent to the event store. */
  readonly decisions: number;
}

/**
 * Courier positions to visits. The pure visit machine runs here in memory for every point and every delivery of the
 * courier's route; only a point that changes a machine (arrival, visit, departure) becomes an EvaluatePositions
 * command, which the decider checks again against the delivery's stored state. So thousands of points per second
 * cost almost no database work, and the log stays the authority: after a restart the first point re-aligns the
 * memory with the log. One courier's batches run one at a time, in arrival order.
 */
@Injectable()
export class VisitDetector {
  private readonly logger = new Logger(VisitDetector.name);
  private readonly routes = new Map<string, RouteWatch>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: EventStore, private readonly commands: DeliveryCommands, private readonly settings: SettingsService) {}

  /** Serialises per courier; the promise settles when this batch was applied. */
  push(courierId: string, route: Route, points: readonly TrackPoint[], correlationId?: string): Promise<PushOutcome> {
    const previous = this.queues.get(courierId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.apply(courierId, route, points, correlationId));
    this.queues.set(courierId, next);
    void next.finally(() => {
      if (this.queues.get(courierId) === next) this.queues.delete(courierId);
    }).catch(() => undefined);
    return next;
  }

  private async apply(courierId: string, route: Route, points: readonly TrackPoint[], correlationId?: string): Promise<PushOutcome> {
    const watch = await this.watch(route);
    const sorted = [...points].sort((a, b) => a.timestamp - b.timestamp);
    let decisions = 0;
    for (const [deliveryId, tracked] of watch.deliveries) {
      if (!isLocated(tracked.state)) continue;
      let visit = tracked.visits.get(courierId) ?? tracked.state.visits[courierId] ?? OUTSIDE;
      const moving: TrackPoint[] = [];
      for (const point of sorted) {
        const step = stepVisit(visit, point, tracked.params);
        visit = step.state;
        if (step.transitions.length > 0) moving.push(point);
      }
      tracked.visits.set(courierId, visit);
      if (moving.length === 0) continue;
      decisions++;
      await this.decide(watch, deliveryId, tracked, courierId, moving, visit.lastAt, correlationId);
    }
    return { points: points.length, decisions };
  }

  private async decide(watch: RouteWatch, deliveryId: string, tracked: Tracked, courierId: string, points: TrackPoint[], lastAt: number, correlationId?: string): Promise<void> {
    const command: EvaluatePositions = {
      type: 'EvaluatePositions',
      data: { courier_id: courierId, positions: points, settings: watch.settings },
      metadata: { now: new Date().toISOString(), actor: `courier:${courierId}`, correlationId },
    };
    const decided = await this.commands.handle(watch.route.company_id, deliveryId, command);
    if (decided.state.kind !== 'active') {
      watch.deliveries.delete(deliveryId);
      return;
    }
    tracked.state = decided.state;
    tracked.version = decided.version;
    tracked.params = visitParams(decided.state, watch.settings);
    const stored = decided.state.visits[courierId] ?? OUTSIDE;
    tracked.visits.set(courierId, { ...stored, lastAt: Math.max(stored.lastAt, lastAt) });
  }

  /** The route's deliveries with their current facts; refreshed from the read model when older than ROUTE_REFRESH_MS. */
  private async watch(route: Route): Promise<RouteWatch> {
    const known = this.routes.get(route.route_id);
    if (known && Date.now() - known.loadedAt < ROUTE_REFRESH_MS) return known;
    const settings = await this.settings.visitSettings(route.company_id, route.depot_id);
    const { rows } = await this.store.pool.query<{ delivery_id: string; version: number }>(
      'SELECT delivery_id, version FROM courier_route_deliveries WHERE route_id = $1 AND company_id = $2', [route.route_id, route.company_id]);
    const deliveries = new Map<string, Tracked>();
    for (const row of rows) {
      const previous = known?.deliveries.get(row.delivery_id);
      if (previous && previous.version >= row.version) {
        deliveries.set(row.delivery_id, { ...previous, params: visitParams(previous.state, settings) });
        continue;
      }
      try {
        const state = await this.commands.active(row.delivery_id);
        deliveries.set(row.delivery_id, { state, version: row.version, params: visitParams(state, settings), visits: previous?.visits ?? new Map() });
      } catch (error) {
        this.logger.debug(`delivery ${row.delivery_id} left route ${route.route_id}: ${(error as Error).message}`);
      }
    }
    const watch: RouteWatch = { route, settings, deliveries, loadedAt: Date.now() };
    this.routes.set(route.route_id, watch);
    return watch;
  }

  /** Forget cached routes (after settings change, or in tests). */
  forget(routeId?: string): void {
    if (routeId === undefined) this.routes.clear();
    else this.routes.delete(routeId);
  }
}
