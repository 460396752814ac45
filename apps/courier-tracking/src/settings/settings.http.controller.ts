import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@orders/service-kit';
import { assertCompany } from '../shared/tenancy';
import { CompanySettingsDto, DepotDto, RouteDto } from './settings.dto';
import { CompanySettings, Depot, Route, SettingsService } from './settings.service';



@ApiTags('settings')
@Controller('api/v1/companies/:company_id')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('settings')
  async getCompany(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string): Promise<CompanySettings> {
    assertCompany(principal, companyId);
    return this.settings.company(companyId);
  }

  @Put('settings')
  async putCompany(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Body() body: CompanySettingsDto): Promise<CompanySettings> {
    assertCompany(principal, companyId);
    return this.settings.putCompany(companyId, body);
  }

  @Put('depots/:id')
  async putDepot(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('id') depotId: string, @Body() body: DepotDto): Promise<Depot> {
    assertCompany(principal, companyId);
    return this.settings.putDepot(companyId, depotId, body);
  }

  @Put('routes/:id')
  async putRoute(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('id') routeId: string, @Body() body: RouteDto): Promise<Route> {
    assertCompany(principal, companyId);
    return this.settings.putRoute(companyId, routeId, body);
  }
}
