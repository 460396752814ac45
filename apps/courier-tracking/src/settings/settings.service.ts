import { Injectable } from '@nestjs/common';
import { NotFound } from '@orders/service-kit';
import {
  DEFAULT_MARK_DELIVERED_RADIUS_M,
  DEFAULT_SERVICE_TIME_COEFFICIENT,
  DeliverySettings,
  VisitSettings,
  isValidTimeZone,
} from '@orders/delivery-domain';
import { DomainError } from '@orders/decider-kit';
import { EventStore } from '@orders/event-store';
import type { Pool } from 'pg';
import { BoundedCache } from './bounded-cache';
import { CompanySettingsDto, DepotDto, RouteDto } from './settings.dto';

export interface CompanySettings {
  readonly company_id: string;
  readonly mark_delivered_enabled: boolean;
  readonly mark_delivered_radius: number;
  readonly mark_delivered_service_time_coefficient: number;
  readonly partially_finished_status_enabled: boolean;
  readonly time_zone: string;
}
export interface Depot {
  readonly company_id: string;
  readonly depot_id: string;
  readonly name: string | null;
  readonly time_zone: string | null;
  readonly mark_delivered_radius: number | null;
}
export interface Route {
  readonly route_id: string;
  readonly company_id: string;
  readonly courier_id: string;
  readonly depot_id: string | null;
  readonly date: string;
}

/**
 * A route is (company, route id): two companies may use the same id. This process keys its route maps (caches, the
 * detector's watched routes, route membership) with both; NUL never occurs in an id (the edge refuses it).
 */
export const routeKey = (companyId: string, routeId: string): string => `${companyId}\u0000${routeId}`;
export const keyOfRoute = (route: Pick<Route, 'company_id' | 'route_id'>): string =>
  routeKey(route.company_id, route.route_id);

const defaults = (companyId: string): CompanySettings => ({
  company_id: companyId,
  mark_delivered_enabled: false,
  mark_delivered_radius: DEFAULT_MARK_DELIVERED_RADIUS_M,
  mark_delivered_service_time_coefficient: DEFAULT_SERVICE_TIME_COEFFICIENT,
  partially_finished_status_enabled: false,
  time_zone: 'Europe/Moscow',
});

/**
 * Entries per cache: far above the companies, depots and routes one instance serves in a day (a route lives for a
 * day), so the limit only stops ids nobody uses (probes, unknown ids in positions) from growing the process.
 */
export const SETTINGS_CACHE_LIMITS = { companies: 10_000, depots: 20_000, routes: 100_000 } as const;

const routeNotFound = (routeId: string): NotFound => new NotFound('route', routeId);

function assertZone(zone: string | null | undefined): void {
  if (zone && !isValidTimeZone(zone))
    throw new DomainError('INVALID_TIME_ZONE', `unknown IANA time zone "${zone}"`, { field: 'time_zone' });
}

/**
 * Company, depot and route settings: configuration an operator manages through the API, read on every command and
 * position batch. Kept in plain tables (not event-sourced: they are not business facts of an order) and cached in
 * this process in bounded LRU caches; a miss is cached too (so unknown ids cost one query, once), and a write
 * through this service replaces the entry.
 */
@Injectable()
export class SettingsService {
  private readonly pool: Pool;
  private readonly companies = new BoundedCache<string, CompanySettings>(SETTINGS_CACHE_LIMITS.companies);
  private readonly depots = new BoundedCache<string, Depot | null>(SETTINGS_CACHE_LIMITS.depots);
  private readonly routes = new BoundedCache<string, Route | null>(SETTINGS_CACHE_LIMITS.routes);
  private readonly loadingRoutes = new Map<string, Promise<Route | null>>();

  constructor(store: EventStore) {
    this.pool = store.pool;
  }

  async company(companyId: string): Promise<CompanySettings> {
    const cached = this.companies.get(companyId);
    if (cached) return cached;
    const { rows } = await this.pool.query<CompanySettings>('SELECT * FROM company_settings WHERE company_id = $1', [
      companyId,
    ]);
    const found = rows[0] ? { ...defaults(companyId), ...pick(rows[0], defaults(companyId)) } : defaults(companyId);
    this.companies.set(companyId, found);
    return found;
  }

  async putCompany(companyId: string, body: CompanySettingsDto): Promise<CompanySettings> {
    assertZone(body.time_zone);
    const next: CompanySettings = {
      ...(await this.company(companyId)),
      ...stripUndefined(body),
      company_id: companyId,
    };
    await this.pool.query(
      `INSERT INTO company_settings (company_id, mark_delivered_enabled, mark_delivered_radius, mark_delivered_service_time_coefficient, partially_finished_status_enabled, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (company_id) DO UPDATE SET mark_delivered_enabled = $2, mark_delivered_radius = $3, mark_delivered_service_time_coefficient = $4,
         partially_finished_status_enabled = $5, time_zone = $6, updated_at = now()`,
      [
        companyId,
        next.mark_delivered_enabled,
        next.mark_delivered_radius,
        next.mark_delivered_service_time_coefficient,
        next.partially_finished_status_enabled,
        next.time_zone,
      ],
    );
    this.companies.set(companyId, next);
    return next;
  }

  async depot(companyId: string, depotId: string | null): Promise<Depot | null> {
    if (depotId === null) return null;
    const key = `${companyId}/${depotId}`;
    if (this.depots.has(key)) return this.depots.get(key) ?? null;
    const { rows } = await this.pool.query<Depot>(
      'SELECT company_id, depot_id, name, time_zone, mark_delivered_radius FROM depots WHERE company_id = $1 AND depot_id = $2',
      [companyId, depotId],
    );
    this.depots.set(key, rows[0] ?? null);
    return rows[0] ?? null;
  }

  async putDepot(companyId: string, depotId: string, body: DepotDto): Promise<Depot> {
    assertZone(body.time_zone);
    const current = await this.depot(companyId, depotId);
    const next: Depot = {
      company_id: companyId,
      depot_id: depotId,
      name: null,
      time_zone: null,
      mark_delivered_radius: null,
      ...current,
      ...stripUndefined(body),
    };
    await this.pool.query(
      `INSERT INTO depots (company_id, depot_id, name, time_zone, mark_delivered_radius) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (company_id, depot_id) DO UPDATE SET name = $3, time_zone = $4, mark_delivered_radius = $5, updated_at = now()`,
      [companyId, depotId, next.name, next.time_zone, next.mark_delivered_radius],
    );
    this.depots.set(`${companyId}/${depotId}`, next);
    return next;
  }

  /** The company's route from this process's cache, without I/O; undefined when not cached yet (then use `route`). */
  cachedRoute(companyId: string, routeId: string): Route | null | undefined {
    return this.routes.get(routeKey(companyId, routeId));
  }

  async route(companyId: string, routeId: string | null): Promise<Route | null> {
    if (routeId === null) return null;
    const key = routeKey(companyId, routeId);
    if (this.routes.has(key)) return this.routes.get(key) ?? null;
    // One lookup per route in flight: callers resolve in the order they asked (a courier's points stay in order).
    let loading = this.loadingRoutes.get(key);
    if (!loading) {
      loading = this.pool
        .query<Route>(
          `SELECT route_id, company_id, courier_id, depot_id, to_char(date, 'YYYY-MM-DD') AS date FROM routes
         WHERE company_id = $1 AND route_id = $2`,
          [companyId, routeId],
        )
        .then(({ rows }) => {
          if (!this.routes.has(key)) this.routes.set(key, rows[0] ?? null);
          return this.routes.get(key) ?? null;
        })
        .finally(() => this.loadingRoutes.delete(key));
      this.loadingRoutes.set(key, loading);
    }
    return loading;
  }

  /** The company's route, or 404 NOT_FOUND `{resource: 'route', id}`. */
  async routeOf(companyId: string, routeId: string): Promise<Route> {
    const route = await this.route(companyId, routeId);
    if (!route) throw routeNotFound(routeId);
    return route;
  }

  /**
   * The routes a position push may name: its path has a courier and a route id but no company (Track & Trace ids
   * are global), so the route is looked for among the companies the key acts for, and only there. A key acting for
   * every company asks the table; one acting for a few asks the cache per company.
   */
  async routesOfCourier(companies: '*' | readonly string[], routeId: string, courierId: string): Promise<Route[]> {
    if (companies !== '*') {
      const routes = await Promise.all(companies.map((companyId) => this.route(companyId, routeId)));
      return routes.filter((route): route is Route => route !== null && route.courier_id === courierId);
    }
    const { rows } = await this.pool.query<Route>(
      `SELECT route_id, company_id, courier_id, depot_id, to_char(date, 'YYYY-MM-DD') AS date FROM routes
       WHERE route_id = $1 AND courier_id = $2 ORDER BY company_id`,
      [routeId, courierId],
    );
    return rows;
  }

  /** Creates or replaces the company's route: its id is the company's own, whatever other companies use. */
  async putRoute(companyId: string, routeId: string, body: RouteDto): Promise<Route> {
    const next: Route = {
      route_id: routeId,
      company_id: companyId,
      courier_id: body.courier_id,
      depot_id: body.depot_id ?? null,
      date: body.date,
    };
    await this.pool.query(
      `INSERT INTO routes (route_id, company_id, courier_id, depot_id, date) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (company_id, route_id) DO UPDATE SET courier_id = $3, depot_id = $4, date = $5, updated_at = now()`,
      [routeId, companyId, next.courier_id, next.depot_id, next.date],
    );
    this.routes.set(routeKey(companyId, routeId), next);
    return next;
  }

  /** The zone and base date an order's interval is read in: route date, depot zone, else the company's (D-YC-TW). */
  async deliverySettings(
    companyId: string,
    routeId: string | null,
    depotId: string | null,
  ): Promise<DeliverySettings & { depot_id: string | null }> {
    const company = await this.company(companyId);
    const route = routeId === null ? null : await this.routeOf(companyId, routeId);
    const depot = await this.depot(companyId, depotId ?? route?.depot_id ?? null);
    return {
      time_zone: depot?.time_zone ?? company.time_zone,
      route_date: route?.date,
      partially_finished_status_enabled: company.partially_finished_status_enabled,
      depot_id: depotId ?? route?.depot_id ?? null,
    };
  }

  async visitSettings(companyId: string, depotId: string | null): Promise<VisitSettings> {
    const company = await this.company(companyId);
    const depot = await this.depot(companyId, depotId);
    return {
      mark_delivered_enabled: company.mark_delivered_enabled,
      mark_delivered_service_time_coefficient: company.mark_delivered_service_time_coefficient,
      depot_mark_delivered_radius: depot?.mark_delivered_radius ?? null,
      company_mark_delivered_radius: company.mark_delivered_radius,
    };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Database rows carry floats as numbers already; this keeps only the known columns. */
function pick(row: CompanySettings, shape: CompanySettings): Partial<CompanySettings> {
  return Object.fromEntries(
    Object.keys(shape).map((key) => [key, row[key as keyof CompanySettings]]),
  ) as Partial<CompanySettings>;
}
