import { Body, Controller, Headers, HttpCode, Param, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestValidationError, type Principal } from '@orders/service-kit';
import { MarketplaceOrders } from '../orders/marketplace-orders';
import { CampaignAccessGuard } from './campaign-access.guard';
import { CancellationDecisionRequest } from './cancellation-decision.request.dto';
import { pathIds } from './market-ids';
import { MarketLimits } from './market-limits';
import { MarketLimitsInterceptor } from './market-limits.interceptor';

/** `If-Match: 3` or `If-Match: "3"`: the stream version the caller decided on. */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match) throw new RequestValidationError([{ code: 'INVALID_VALUE', field: 'If-Match', message: 'If-Match must be a stream version' }]);
  return Number(match[1]);
}

@ApiTags('market')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId/orders/:orderId/cancellation')
@UseGuards(CampaignAccessGuard)
@UseInterceptors(MarketLimitsInterceptor)
export class CancellationDecisionController {
  constructor(private readonly orders: MarketplaceOrders, private readonly limits: MarketLimits) {}

  @Put('accept')
  @HttpCode(200)
  @ApiOperation({ operationId: 'acceptOrderCancellation', summary: "Accept or reject a buyer's cancellation (Market-compatible)" })
  @ApiOkResponse({ description: 'the decision is recorded', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['OK'] } } } })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: the key may not act for this campaign' })
  @ApiResponse({ status: 404, description: 'ORDER_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'ORDER_IN_TERMINAL_STATE, NO_PENDING_CANCELLATION, ALREADY_DECIDED, CANCELLATION_DEADLINE_PASSED, CONCURRENCY_CONFLICT, IDEMPOTENCY_KEY_REUSED' })
  @ApiResponse({ status: 420, description: 'REQUEST_LIMIT_EXCEEDED (500 per hour per campaign) or LIMIT_EXCEEDED (4 parallel per campaign), with Retry-After' })
  @ApiResponse({ status: 422, description: 'VALIDATION_FAILED with REASON_REQUIRED, INVALID_ENUM, REQUIRED_FIELD, OUT_OF_RANGE per field' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the order version the decision was made on' })
  async decide(
    @Param('campaignId') campaignParam: string,
    @Param('orderId') orderParam: string,
    @Body() body: CancellationDecisionRequest,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('if-match') ifMatch?: string,
  ): Promise<{ status: 'OK' }> {
    const { campaignId, orderId } = pathIds(campaignParam, orderParam);
    if (body.accepted === false && body.reason == null) {
      throw new RequestValidationError([{ code: 'REASON_REQUIRED', field: 'reason', message: 'reason is required when accepted=false' }]);
    }
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
      throw new RequestValidationError([{ code: 'OUT_OF_RANGE', field: 'Idempotency-Key', message: 'Idempotency-Key must have 1 to 200 characters' }]);
    }
    const version = expectedVersion(ifMatch);
    // Validated above: only now does the call count against the campaign's limits (unknown orders still count).
    await this.limits.within(campaignId, 'cancellation-accept', () =>
      this.orders.execute('DecideCancellation', { campaignId, orderId, accepted: body.accepted, reason: body.reason ?? undefined }, {
        actor: principal.id,
        // Keys are the caller's own: scoped so two principals never collide.
        idempotencyKey: idempotencyKey === undefined ? undefined : `decision:${principal.id}:${campaignId}:${idempotencyKey}`,
        expectedVersion: version,
      }));
    return { status: 'OK' };
  }
}
