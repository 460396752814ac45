import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFound, canAccessTenant } from '@orders/service-kit';
import { SettingsService } from '../settings/settings.service';
import { PushPositionsDto } from './push-positions.request.dto';
import { VisitDetector } from './visit-detector';

/**
 * `POST /api/v1/couriers/{courier_id}/routes/{route_id}/push-positions-v3` (D-YC-POS). The points go through the
 * same detector as the courier.positions.v1 topic; the answer comes once they were applied.
 */
@ApiTags('positions')
@Controller('api/v1/couriers/:courier_id/routes/:route_id')
export class PushPositionsController {
  constructor(private readonly settings: SettingsService, private readonly detector: VisitDetector) {}

  @Post('push-positions-v3')
  @HttpCode(200)
  async push(@Param('courier_id') courierId: string, @Param('route_id') routeId: string, @Body() body: PushPositionsDto,
    @CommandContext() command: CommandContext): Promise<{ status: 'OK'; accepted: number }> {
    const route = await this.settings.route(routeId);
    // The path names no company: a route of a company the key may not act for is answered as unknown.
    if (!route || route.courier_id !== courierId || !canAccessTenant(command.principal, route.company_id)) {
      throw new NotFound('route', routeId, `no route ${routeId} for courier ${courierId}`);
    }
    const points = body.positions.map((p) => ({ lat: p.point.lat, lon: p.point.lon, timestamp: p.timestamp }));
    await this.detector.push(courierId, route, points, command.correlationId);
    return { status: 'OK', accepted: points.length };
  }
}
