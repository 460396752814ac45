import { Logger } from '@nestjs/common';
import type { ActiveDelivery, Target, VisitSettings } from '@orders/delivery-domain';
import type { EventStore } from '@orders/event-store';
import type { DeliveryCommands } from '../deliveries/delivery-commands';
import { keyOfRoute, routeKey, type Route, type SettingsService } from '../settings/settings.service';
import type { MembershipChange, RouteMembership } from './route-membership';
import { RecentPoints, RouteWatch, Tracked } from './route-watch';
import type { TargetPoints } from './target-points';

/**
 * How long a route's settings (company, depot: radius, auto-finish) and stored versions are trusted before the list
 * is read again in the background. Membership does not wait for it: a delivery joins or leaves a watched route as
 * its events happen (RouteMembership).
 */
const ROUTE_REFRESH_MS = 15_000;
const REFRESH_BATCH = 500;

export interface RouteListsDeps {
  readonly store: EventStore;
  readonly commands: DeliveryCommands;
  readonly settings: SettingsService;
  readonly targets: TargetPoints;
  readonly membership: RouteMembership;
  /** A delivery joined a watched route (or was reloaded there): the detector runs the route's recent points for it. */
  readonly joined: (watch: RouteWatch, tracked: Tracked) => void;
}

/**
 * The watched routes' lists of deliveries: loaded from the read model on a route's first point, corrected by what
 * the log said since (the read model may lag it), and kept current by membership changes as they come. A join
 * (a delivery created on, moved to or changed on a watched route) loads its state and target; the route's points
 * wait for it (`joining`), so a point pushed after the command answered is detected with it.
 */
export class RouteLists {
  private readonly logger = new Logger(RouteLists.name);
  /** By `routeKey`: company and route id. */
  readonly routes = new Map<string, RouteWatch>();
  /** Per route (`routeKey`), the joins being loaded; the route's points queue behind them. */
  readonly joining = new Map<string, Promise<void>>();
  private readonly stale = new Map<string, Route>();
  private refreshing = false;

  constructor(private readonly deps: RouteListsDeps) {
    deps.membership.onChange((change) => this.changed(change));
  }

  /** The route's list with its current facts; read when not watched yet. */
  async watch(route: Route): Promise<RouteWatch> {
    const known = this.routes.get(keyOfRoute(route));
    if (known) return known;
    const [watch] = await this.load([route]);
    return watch;
  }

  isStale(watch: RouteWatch): boolean {
    return Date.now() - watch.loadedAt >= ROUTE_REFRESH_MS;
  }

  /**
   * Re-reads a route's list in the background; the current list serves until the new one is in place. Stale routes
   * are gathered and read together (up to REFRESH_BATCH per query): one round trip per route would cost more than
   * the points themselves.
   */
  refreshLater(route: Route): void {
    this.stale.set(keyOfRoute(route), route);
    if (this.refreshing) return;
    this.refreshing = true;
    setTimeout(() => void this.refreshStale(), 50);
  }

  private async refreshStale(): Promise<void> {
    try {
      while (this.stale.size > 0) {
        const routes = [...this.stale.values()].slice(0, REFRESH_BATCH);
        routes.forEach((route) => this.stale.delete(keyOfRoute(route)));
        await this.load(routes).catch((error: unknown) =>
          this.logger.warn(`${routes.length} routes not refreshed: ${String(error)}`),
        );
      }
    } finally {
      this.refreshing = false;
    }
  }

  /** A delivery changed: it leaves the watched routes it is no longer on and joins (or is reloaded on) its own. */
  private changed(change: MembershipChange): void {
    const { deliveryId, version, state } = change;
    for (const watch of this.routes.values()) {
      const here = watch.deliveries.get(deliveryId);
      if (!here || here.version >= version) continue;
      const key = keyOfRoute(watch.route);
      if ((change.routeKey !== undefined && change.routeKey !== key) || (state && state.kind !== 'active'))
        this.leave(watch, deliveryId);
      else if (state?.kind === 'active' && !change.moved) {
        // Decided in this process: the state is at hand and the target did not move.
        here.refresh(state, version, watch.settings);
        watch.nextPending = true;
      } else this.join(key, change);
    }
    const joined = change.routeKey ? this.routes.get(change.routeKey) : undefined;
    if (joined && !joined.deliveries.has(deliveryId)) this.join(keyOfRoute(joined.route), change);
  }

  private leave(watch: RouteWatch, deliveryId: string): void {
    if (!watch.deliveries.delete(deliveryId)) return;
    watch.list = [...watch.deliveries.values()];
    watch.nextPending = true;
  }

  private join(key: string, change: MembershipChange): void {
    const work = (this.joining.get(key) ?? Promise.resolve())
      .then(() => this.admit(key, change))
      .catch((error: unknown) =>
        this.logger.warn(`delivery ${change.deliveryId} not joined to a route: ${String(error)}`),
      );
    this.joining.set(key, work);
    void work.finally(() => {
      if (this.joining.get(key) === work) this.joining.delete(key);
    });
  }

  /** Loads a joining delivery's state and target, puts it on the list (its place kept when reloaded), replays. */
  private async admit(key: string, change: MembershipChange): Promise<void> {
    const { deliveryId, version } = change;
    const watched = this.routes.get(key);
    if (!watched) return;
    let state: ActiveDelivery;
    try {
      state = change.state?.kind === 'active' ? change.state : await this.deps.commands.active(deliveryId);
    } catch {
      return this.leave(watched, deliveryId); // deleted (or never committed): nothing to detect
    }
    const before = watched.deliveries.get(deliveryId);
    if (before && before.version >= version) return;
    const target =
      before && !change.moved
        ? before.target
        : await this.targetOf(deliveryId, change.state?.kind === 'active' ? state.piiRef : undefined);
    const watch = this.routes.get(key); // a reload may have replaced the list meanwhile
    if (!watch) return;
    const routeId = watch.route.route_id;
    // Moved on again meanwhile (to another route, or to this id of another company: ids are per company).
    if (state.facts.route_id !== routeId || state.companyId !== watch.route.company_id)
      return this.leave(watch, deliveryId);
    const current = watch.deliveries.get(deliveryId);
    if (current && current.version >= version) return;
    const tracked = new Tracked(deliveryId, state, version, watch.settings, target);
    current?.visits.forEach((visit, courier) => tracked.visits.set(courier, visit));
    watch.deliveries.set(deliveryId, tracked);
    watch.list = [...watch.deliveries.values()];
    watch.nextPending = true;
    if (state.startedRoute !== routeId) watch.startPending = true;
    this.deps.joined(watch, tracked);
  }

  private async targetOf(deliveryId: string, piiRef: string | undefined): Promise<Target | undefined> {
    return (
      (piiRef !== undefined ? await this.deps.targets.ofRecord(piiRef) : undefined) ??
      this.deps.targets.ofStream(deliveryId)
    );
  }

  /** (Re)loads routes' lists in one query; a delivery whose stored version did not move keeps its state and machines. */
  private async load(routes: readonly Route[]): Promise<RouteWatch[]> {
    const { membership } = this.deps;
    // Route order is the order of addition (Track & Trace, without an orders-sequence); a delivery joining a watched
    // route later is put last until the next read.
    const { rows } = await this.deps.store.pool.query<{
      route_id: string;
      company_id: string;
      delivery_id: string;
      version: number;
    }>(
      `SELECT r.route_id, r.company_id, r.delivery_id, r.version FROM courier_route_deliveries r JOIN delivery_details d USING (delivery_id)
        WHERE (r.company_id, r.route_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY r.company_id, r.route_id, d.created_at, r.delivery_id`,
      [routes.map((route) => route.company_id), routes.map((route) => route.route_id)],
    );
    const byRoute = new Map<string, typeof rows>();
    for (const row of rows) {
      const key = routeKey(row.company_id, row.route_id);
      // The log said more recently that it is on another route (or none): the read model has not caught up.
      const latest = membership.latest(row.delivery_id);
      if (latest && latest.version > row.version && latest.routeKey !== key) continue;
      row.version = Math.max(row.version, latest?.version ?? 0);
      byRoute.set(key, [...(byRoute.get(key) ?? []), row]);
    }
    // Target points are opened only for deliveries (re)loaded now: one whose version did not move keeps its own.
    const changed = rows
      .filter((row) => !this.isCurrent(routeKey(row.company_id, row.route_id), row.delivery_id, row.version))
      .map((row) => row.delivery_id);
    const targets = await this.deps.targets.of(changed);
    const watches: RouteWatch[] = [];
    for (const route of routes) {
      const key = keyOfRoute(route);
      const settings = await this.deps.settings.visitSettings(route.company_id, route.depot_id);
      const deliveries = new Map<string, Tracked>();
      for (const row of byRoute.get(key) ?? []) {
        const previous = this.routes.get(key)?.deliveries.get(row.delivery_id);
        const tracked = await this.track(
          row.delivery_id,
          row.version,
          settings,
          previous,
          targets.get(row.delivery_id),
        );
        if (tracked) deliveries.set(row.delivery_id, tracked);
      }
      // From here on synchronous: what the log said up to now is applied to the list as it is put in place.
      const known = this.routes.get(key);
      const joiners = membership.joinedSince(key).filter((id) => !deliveries.has(id));
      for (const id of joiners) {
        const held = known?.deliveries.get(id);
        if (held) deliveries.set(id, held);
      }
      const list = [...deliveries.values()];
      const startPending = list.some((tracked) => tracked.state.startedRoute !== route.route_id);
      const watch: RouteWatch = {
        route,
        settings,
        deliveries,
        list,
        loadedAt: Date.now(),
        startPending,
        nextPending: true,
        recent: known?.recent ?? new RecentPoints(),
      };
      this.routes.set(key, watch);
      for (const id of joiners) {
        const latest = membership.latest(id);
        if (!deliveries.has(id) && latest)
          this.join(key, { deliveryId: id, version: latest.version, routeKey: key, moved: true });
      }
      watches.push(watch);
    }
    return watches;
  }

  private isCurrent(key: string, deliveryId: string, version: number): boolean {
    const previous = this.routes.get(key)?.deliveries.get(deliveryId);
    return previous !== undefined && previous.version >= version;
  }

  private async track(
    deliveryId: string,
    version: number,
    settings: VisitSettings,
    previous: Tracked | undefined,
    target: Target | undefined,
  ): Promise<Tracked | undefined> {
    if (previous && previous.version >= version) {
      previous.refresh(previous.state, previous.version, settings);
      return previous;
    }
    try {
      const tracked = new Tracked(deliveryId, await this.deps.commands.active(deliveryId), version, settings, target);
      previous?.visits.forEach((visit, courier) => tracked.visits.set(courier, visit));
      return tracked;
    } catch (error) {
      this.logger.debug(`delivery ${deliveryId} left its route: ${(error as Error).message}`);
      return undefined;
    }
  }
}
