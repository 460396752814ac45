import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentPrincipal, Principal } from '@orders/service-kit';
import { CompanyId, DepotId } from '../shared/path-ids';
import { assertCompany } from '../shared/tenancy';
import { CompanySettingsDto, DepotDto } from './settings.dto';
import { CompanySettings, Depot, SettingsService } from './settings.service';

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
  async getCompany(@CurrentPrincipal() principal: Principal, @CompanyId() companyId: string): Promise<CompanySettings> {
    assertCompany(principal, companyId);
    return this.settings.company(companyId);
  }

  @Put('settings')
  async putCompany(@CompanyId() companyId: string, @Body() body: CompanySettingsDto,
    @CommandContext() command: CommandContext): Promise<CompanySettings> {
    assertCompany(command.principal, companyId);
    return this.settings.putCompany(companyId, body);
  }

  @Put('depots/:id')
  async putDepot(@CompanyId() companyId: string, @DepotId('id') depotId: string, @Body() body: DepotDto,
    @CommandContext() command: CommandContext): Promise<Depot> {
    assertCompany(command.principal, companyId);
    return this.settings.putDepot(companyId, depotId, body);
  }
}
