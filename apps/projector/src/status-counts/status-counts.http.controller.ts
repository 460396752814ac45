import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { canAccessTenant, CurrentPrincipal, Documented, type Principal } from '@orders/service-kit';
import { ReadModelDb } from '../storage/read-model-db';
import { statusCounts } from './status-counts';
import { STATUS_COUNTS_ANSWER } from './status-counts.http.docs';

/** For dashboards: orders per combined status, of one company or (for a key of every company) of all. */
@Controller()
export class StatusCountsController {
  constructor(private readonly db: ReadModelDb) {}

  @Get('orders/status-counts')
  @Documented({ summary: 'Orders per combined status (all companies, or one with tenantId)', ...STATUS_COUNTS_ANSWER })
  @ApiQuery({
    name: 'tenantId',
    required: false,
    schema: { type: 'string', example: 'company-1' },
    description: 'Required for a key limited to some companies',
  })
  async counts(
    @CurrentPrincipal() principal: Principal,
    @Query('tenantId') tenantId?: string,
  ): Promise<Record<string, number>> {
    if (tenantId === undefined && principal.tenants !== '*') {
      throw new ForbiddenException({
        code: 'TENANT_REQUIRED',
        message: 'give tenantId: this key is limited to some companies',
      });
    }
    if (tenantId !== undefined && !canAccessTenant(principal, tenantId)) {
      throw new ForbiddenException({ code: 'TENANT_FORBIDDEN', message: `no access to company ${tenantId}` });
    }
    return statusCounts(this.db, tenantId);
  }
}
