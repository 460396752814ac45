import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, Documented, CurrentPrincipal, Principal } from '@orders/service-kit';
import { CompanyId, DepotId } from '../shared/path-ids';
import { assertCompany } from '../shared/tenancy';
import { CompanySettingsDto, DepotDto } from './settings.dto';
import { referenceId } from '../deliveries/reference-ids';
import { Depot, SettingsService } from './settings.service';
import { CompanySettingsAnswerDto, DepotAnswerDto } from './settings.response.dto';

/** The company as Track & Trace shows ids: an integer where it is spelt as one (reference-ids.ts). */
const shown = <T extends { company_id: string }>(value: T) => ({ ...value, company_id: referenceId(value.company_id) });

/**
 * Company settings and depots (a route's: routes/route-settings.http.controller.ts). The writes are whole-document
 * upserts (a retry repeats the same state), so they take the command context for its one set of header rules and
 * the principal, not for versions.
 */
@ApiTags('settings')
@Controller('api/v1/companies/:company_id')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('settings')
  @Documented({ summary: "The company's settings (arrival detection, time zone)", type: CompanySettingsAnswerDto })
  async getCompany(@CurrentPrincipal() principal: Principal, @CompanyId() companyId: string) {
    assertCompany(principal, companyId);
    return shown(await this.settings.company(companyId));
  }

  @Put('settings')
  @Documented({ summary: "Set the company's settings; absent fields keep their value", type: CompanySettingsAnswerDto })
  async putCompany(@CompanyId() companyId: string, @Body() body: CompanySettingsDto,
    @CommandContext() command: CommandContext) {
    assertCompany(command.principal, companyId);
    return shown(await this.settings.putCompany(companyId, body));
  }

  @Put('depots/:id')
  @Documented({ summary: 'Create or replace a depot', type: DepotAnswerDto })
  async putDepot(@CompanyId() companyId: string, @DepotId('id') depotId: string, @Body() body: DepotDto,
    @CommandContext() command: CommandContext) {
    assertCompany(command.principal, companyId);
    const depot: Depot = await this.settings.putDepot(companyId, depotId, body);
    return { ...shown(depot), depot_id: referenceId(depot.depot_id) };
  }
}
