import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EventStore } from '@orders/event-store';
import { CurrentPrincipal, Principal } from '@orders/service-kit';
import { CompanyId, RouteId } from '../shared/path-ids';
import { SettingsService } from '../settings/settings.service';
import { assertCompany } from '../shared/tenancy';

export interface CourierRouteView {
  readonly route_id: string;
  readonly courier_id: string;
  readonly depot_id: string | null;
  readonly date: string;
  readonly deliveries: readonly { id: string; number: string; status: string; time_window: { start: string; end: string } }[];
}

/** The courier route view (read model): the route's deliveries with status and window, in window order. */
@ApiTags('routes')
@Controller('api/v1/companies/:company_id/routes/:route_id')
export class CourierRouteController {
  constructor(private readonly store: EventStore, private readonly settings: SettingsService) {}

  @Get()
  async route(@CurrentPrincipal() principal: Principal, @CompanyId() companyId: string,
    @RouteId() routeId: string): Promise<CourierRouteView> {
    assertCompany(principal, companyId);
    const route = await this.settings.routeOf(companyId, routeId);
    const { rows } = await this.store.pool.query<{ id: string; number: string; status: string; window_start: Date; window_end: Date }>(
      `SELECT delivery_id AS id, number, status, window_start, window_end FROM courier_route_deliveries
       WHERE route_id = $1 AND company_id = $2 ORDER BY window_start, number`, [routeId, companyId]);
    return {
      route_id: route.route_id, courier_id: route.courier_id, depot_id: route.depot_id, date: route.date,
      deliveries: rows.map((row) => ({ id: row.id, number: row.number, status: row.status, time_window: { start: row.window_start.toISOString(), end: row.window_end.toISOString() } })),
    };
  }
}
