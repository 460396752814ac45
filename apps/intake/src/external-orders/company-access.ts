import { ForbiddenException } from '@nestjs/common';
import { canAccessTenant, type Principal } from '@orders/service-kit';

/** A path naming a company the principal may not act for: 403 (api-conventions.md, tenancy). */
export function assertCompanyAccess(principal: Principal, companyId: string): void {
  if (!canAccessTenant(principal, companyId)) {
    throw new ForbiddenException({ code: 'FORBIDDEN', message: `this key may not act for company ${companyId}` });
  }
}
