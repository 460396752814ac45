import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { type AuthenticatedRequest, canAccessTenant } from '@orders/service-kit';

/**
 * A principal acts only for its own campaigns: a path naming another campaign answers 403 (api-conventions.md,
 * tenancy), before limits, validation or state are looked at. Runs after the API-key guard.
 */
@Injectable()
export class CampaignAccessGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { params: Record<string, string> }>();
    const campaignId = request.params.campaignId;
    if (!canAccessTenant(request.principal, campaignId)) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `this key may not act for campaign ${campaignId}` });
    }
    return true;
  }
}
