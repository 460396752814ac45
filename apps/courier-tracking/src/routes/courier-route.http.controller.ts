import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EventStore } from '@orders/event-store';
import { CurrentPrincipal, Documented, Principal } from '@orders/service-kit';
import { CompanyId, RouteId } from '../shared/path-ids';
import { OrderIds } from '../deliveries/order-ids';
import { SettingsService } from '../settings/settings.service';
import { RouteAnswer, routeAnswer } from './route-answer';
import { assertCompany } from '../shared/tenancy';
import { CourierRouteDto } from '../settings/settings.response.dto';

export type CourierRouteView = RouteAnswer & {
  /** `id`: the order's Track & Trace integer; `delivery_id`: our UUID. */
  readonly deliveries: readonly {
    id: number; delivery_id: string; number: string; status: string; time_window: { start: string; end: string };
  }[];
};

/** The courier route view (read model): the route's deliveries with status and window, in window order. */
@ApiTags('routes')
@Controller('api/v1/companies/:company_id/routes/:route_id')
export class CourierRouteController {
  constructor(
    private readonly store: EventStore, private readonly settings: SettingsService, private readonly ids: OrderIds,
  ) {}

  @Get()
  @Documented({ summary: "A route with its deliveries' status and window", type: CourierRouteDto })
  async route(@CurrentPrincipal() principal: Principal, @CompanyId() companyId: string,
    @RouteId() routeId: string): Promise<CourierRouteView> {
    assertCompany(principal, companyId);
    const route = await this.settings.routeOf(companyId, routeId);
    const { rows } = await this.store.pool.query<{ id: string; number: string; status: string; window_start: Date; window_end: Date }>(
      `SELECT delivery_id AS id, number, status, window_start, window_end FROM courier_route_deliveries
       WHERE route_id = $1 AND company_id = $2 ORDER BY window_start, number`, [routeId, companyId]);
    const orderIds = await this.ids.of(companyId, rows.map((row) => row.id));
    return {
      ...routeAnswer(route),
      deliveries: rows.map((row) => ({
        id: orderIds.get(row.id) as number, delivery_id: row.id, number: row.number, status: row.status,
        time_window: { start: row.window_start.toISOString(), end: row.window_end.toISOString() },
      })),
    };
  }
}
