import { Body, Controller, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, Documented } from '@orders/service-kit';
import { CompanyId, RouteId } from '../shared/path-ids';
import { RouteDto } from '../settings/settings.dto';
import { SettingsService } from '../settings/settings.service';
import { RouteAnswer, routeAnswer } from './route-answer';
import { assertCompany } from '../shared/tenancy';
import { RouteAnswerDto } from '../settings/settings.response.dto';

/**
 * `PUT /api/v1/companies/{company_id}/routes/{route_id}`: a route's courier, depot and date (a settings table, like
 * the company's and the depots'). A whole-document upsert (a retry repeats the same state), so it takes the command
 * context for its one set of header rules and the principal, not for versions.
 */
@ApiTags('settings')
@Controller('api/v1/companies/:company_id')
export class RouteSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Put('routes/:id')
  @Documented({ summary: 'Create or replace a route: its courier, depot and date', type: RouteAnswerDto })
  async putRoute(@CompanyId() companyId: string, @RouteId('id') routeId: string, @Body() body: RouteDto,
    @CommandContext() command: CommandContext): Promise<RouteAnswer> {
    assertCompany(command.principal, companyId);
    return routeAnswer(await this.settings.putRoute(companyId, routeId, body));
  }
}
