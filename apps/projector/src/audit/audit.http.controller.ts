import { Controller, Get, Query, UnprocessableEntityException } from '@nestjs/common';
import type { OrderAudit } from '@orders/read-model-protocol';
import { ApiQuery } from '@nestjs/swagger';
import {
  canAccessTenant,
  CurrentPrincipal,
  Documented,
  ID_FORMATS,
  NotFound,
  PathId,
  type Principal,
} from '@orders/service-kit';
import { ReadModelDb } from '../storage/read-model-db';
import { auditOrder } from './audit-order';
import { AUDIT_ANSWER } from './audit.http.docs';

/** For people: one order's cross-service audit (its timeline and combined state, as of a time). */
@Controller()
export class AuditController {
  constructor(private readonly db: ReadModelDb) {}

  @Get('orders/:orderId/audit')
  @Documented({
    summary: "One order's cross-service timeline and combined state, optionally as of a time",
    ...AUDIT_ANSWER,
  })
  @ApiQuery({
    name: 'asOf',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'Fold the state up to this occurrence time (ISO 8601); 422 INVALID_AS_OF otherwise',
  })
  // Order ids are the contracts' opaque identifiers (1 to 128 characters): a longer one names no order (404).
  async audit(
    @CurrentPrincipal() principal: Principal,
    @PathId('orderId', 'order', ID_FORMATS.opaque) orderId: string,
    @Query('asOf') asOf?: string,
  ): Promise<OrderAudit> {
    const at = asOf === undefined ? undefined : new Date(asOf);
    if (at && Number.isNaN(at.getTime())) {
      throw new UnprocessableEntityException({ code: 'INVALID_AS_OF', message: 'asOf must be an ISO-8601 time' });
    }
    const audit = await auditOrder(this.db, orderId, at);
    const tenant = audit.timeline[0]?.payload.tenantId;
    // Another company's order answers exactly like a missing one: its existence is not disclosed.
    if (audit.timeline.length === 0 || typeof tenant !== 'string' || !canAccessTenant(principal, tenant)) {
      throw new NotFound('order', orderId);
    }
    return audit;
  }
}
