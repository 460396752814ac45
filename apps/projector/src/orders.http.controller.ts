import { Controller, ForbiddenException, Get, Query, UnprocessableEntityException } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import {
  canAccessTenant, CurrentPrincipal, Documented, ID_FORMATS, NotFound, PathId, type Principal,
} from '@orders/service-kit';
import { AUDIT_ANSWER, STATUS_COUNTS_ANSWER } from './orders.http.docs';
import { auditOrder, statusCounts, type OrderAudit } from './operations';
import { ReadModelDb } from './storage/read-model-db';

/** Read side for people and dashboards: one order's cross-service audit, and counts per combined status. */
@Controller()
export class OrdersQueryController {
  constructor(private readonly db: ReadModelDb) {}

  @Get('orders/status-counts')
  @Documented({ summary: 'Orders per combined status (all companies, or one with tenantId)', ...STATUS_COUNTS_ANSWER })
  @ApiQuery({ name: 'tenantId', required: false, schema: { type: 'string', example: 'company-1' },
    description: 'Required for a key limited to some companies' })
  async counts(@CurrentPrincipal() principal: Principal, @Query('tenantId') tenantId?: string): Promise<Record<string, number>> {
    if (tenantId === undefined && principal.tenants !== '*') throw new ForbiddenException({ code: 'TENANT_REQUIRED', message: 'give tenantId: this key is limited to some companies' });
    if (tenantId !== undefined && !canAccessTenant(principal, tenantId)) throw new ForbiddenException({ code: 'TENANT_FORBIDDEN', message: `no access to company ${tenantId}` });
    return statusCounts(this.db, tenantId);
  }

  @Get('orders/:orderId/audit')
  @Documented({ summary: "One order's cross-service timeline and combined state, optionally as of a time", ...AUDIT_ANSWER })
  @ApiQuery({ name: 'asOf', required: false, schema: { type: 'string', format: 'date-time' },
    description: 'Fold the state up to this occurrence time (ISO 8601); 422 INVALID_AS_OF otherwise' })
  // Order ids are the contracts' opaque identifiers (1 to 128 characters): a longer one names no order (404).
  async audit(@CurrentPrincipal() principal: Principal, @PathId('orderId', 'order', ID_FORMATS.opaque) orderId: string,
    @Query('asOf') asOf?: string): Promise<OrderAudit> {
    const at = asOf === undefined ? undefined : new Date(asOf);
    if (at && Number.isNaN(at.getTime())) throw new UnprocessableEntityException({ code: 'INVALID_AS_OF', message: 'asOf must be an ISO-8601 time' });
    const audit = await auditOrder(this.db, orderId, at);
    const tenant = audit.timeline[0]?.payload.tenantId;
    // Another company's order answers exactly like a missing one: its existence is not disclosed.
    if (audit.timeline.length === 0 || typeof tenant !== 'string' || !canAccessTenant(principal, tenant)) {
      throw new NotFound('order', orderId);
    }
    return audit;
  }
}
