import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DomainError } from '@orders/decider-kit';
import { CommandContext, Documented, KeyInQuery, NotFound, canAccessTenant } from '@orders/service-kit';
import { RouteId, CourierId } from '../shared/path-ids';
import { Route, SettingsService } from '../settings/settings.service';
import { PushPositionsDto, PushPositionsQuery } from './push-positions.request.dto';
import { VisitDetector } from './visit-detector';

/**
 * `POST /api/v1/couriers/{courier_id}/routes/{route_id}/push-positions-v3` (D-YC-POS). The points go through the
 * same detector as the courier.positions.v1 topic; the answer comes once they were applied.
 */
@ApiTags('positions')
@Controller('api/v1/couriers/:courier_id/routes/:route_id')
export class PushPositionsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly detector: VisitDetector,
  ) {}

  @Post('push-positions-v3')
  @Documented({
    summary: "Push the courier's positions on a route (Track & Trace push-positions-v3); answered once applied",
    schema: {
      type: 'object', required: ['status', 'accepted'],
      properties: { status: { type: 'string', enum: ['OK'] }, accepted: { type: 'integer', minimum: 1 } },
    },
    example: { status: 'OK', accepted: 2 },
  })
  @HttpCode(200)
  // Track & Trace devices send the company's key as `?apikey=` (D-YC-POS); headers work too.
  @KeyInQuery()
  async push(
    @CourierId() courierId: string,
    @RouteId() routeId: string,
    @Query() query: PushPositionsQuery,
    @Body() body: PushPositionsDto,
    @CommandContext() command: CommandContext,
  ): Promise<{ status: 'OK'; accepted: number }> {
    const route = await this.routeOf(command, courierId, routeId, query.company_id);
    const points = body.positions.map((p) => ({ lat: p.point.lat, lon: p.point.lon, timestamp: p.timestamp }));
    await this.detector.push(courierId, route, points, command.correlationId);
    return { status: 'OK', accepted: points.length };
  }

  /**
   * The path names no company: the route is one of the companies the key acts for with this id and courier, and
   * another company's route answers exactly as an unknown one. A key acting for several companies that each hold
   * such a route says which one with `company_id`.
   */
  private async routeOf(
    command: CommandContext,
    courierId: string,
    routeId: string,
    companyId?: string,
  ): Promise<Route> {
    const { principal } = command;
    const companies =
      companyId === undefined ? principal.tenants : canAccessTenant(principal, companyId) ? [companyId] : [];
    const routes = await this.settings.routesOfCourier(companies, routeId, courierId);
    if (routes.length === 0) throw new NotFound('route', routeId);
    if (routes.length > 1) {
      const named = routes.map((route) => route.company_id).join(', ');
      throw new DomainError(
        'AMBIGUOUS_ROUTE',
        `companies ${named} of this key each have route ${routeId} of courier ${courierId}: name one with company_id`,
        { field: 'company_id' },
      );
    }
    return routes[0];
  }
}
