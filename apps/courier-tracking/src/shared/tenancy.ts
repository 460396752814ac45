import { ForbiddenException } from '@nestjs/common';
import { Principal, canAccessTenant } from '@orders/service-kit';

/** A path that names another company answers 403 (api-conventions.md, "Authentication and tenancy"). */
export function assertCompany(principal: Principal, companyId: string): void {
  if (!canAccessTenant(principal, companyId)) throw new ForbiddenException(`this key does not act for company ${companyId}`);
}
