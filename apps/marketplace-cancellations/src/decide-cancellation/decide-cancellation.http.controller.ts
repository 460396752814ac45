import { Body, Controller, HttpCode, Inject, Param, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundAs, RequestValidationError } from '@orders/service-kit';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { CancellationDecisionRequest } from './decide-cancellation.request.dto';
import { pathIds } from '../market-api/market-ids';
import { MarketLimits } from '../market-api/market-limits';
import { MarketLimitsInterceptor } from '../market-api/market-limits.interceptor';
import { MarketOperation } from '../market-api/market-operation';
import { marketResources, type MarketResource } from '../market-api/market-resources';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';

@ApiTags('market')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId/orders/:orderId/cancellation')
@UseGuards(CampaignAccessGuard)
@UseInterceptors(MarketLimitsInterceptor)
// A Market operation: its 404 keeps the domain's text, as Market's answers stay as they were.
@NotFoundAs('order', 'orderId', { domainMessage: true })
export class CancellationDecisionController {
  private readonly resource: MarketResource;

  constructor(
    private readonly orders: MarketplaceOrders,
    private readonly limits: MarketLimits,
    @Inject(CANCELLATION_SETTINGS) settings: CancellationSettings,
  ) {
    this.resource = marketResources(settings).acceptOrderCancellation;
  }

  @Put('accept')
  @HttpCode(200)
  @MarketOperation('acceptOrderCancellation', "Accept or reject a buyer's cancellation (Market-compatible)", {
    description:
      'Errors as Market: 400 for a request it will not carry out (VALIDATION_FAILED with REASON_REQUIRED, ' +
      'INVALID_ENUM, REQUIRED_FIELD, OUT_OF_RANGE per field; ORDER_IN_TERMINAL_STATE, NO_PENDING_CANCELLATION, ' +
      'ALREADY_DECIDED, CANCELLATION_DEADLINE_PASSED, CONCURRENCY_CONFLICT, IDEMPOTENCY_KEY_REUSED); ' +
      '403 FORBIDDEN for a key we do not know or one that may not act for this campaign; 404 NOT_FOUND; ' +
      '420 REQUEST_LIMIT_EXCEEDED (500 per hour per campaign) or LIMIT_EXCEEDED (4 parallel per campaign), ' +
      'with Retry-After.',
    requestExample: { accepted: false, reason: 'ORDER_DELIVERED' },
    answerExample: { status: 'OK' },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key and body returns the first answer (apps/README.md)',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the order version the decision was made on' })
  async decide(
    @Param('campaignId') campaignParam: string,
    @Param('orderId') orderParam: string,
    @Body() body: CancellationDecisionRequest,
    @CommandContext() command: CommandContext,
  ): Promise<{ status: 'OK' }> {
    const { campaignId, orderId } = pathIds(campaignParam, orderParam);
    if (body.accepted === false && body.reason == null) {
      throw new RequestValidationError([
        { code: 'REASON_REQUIRED', field: 'reason', message: 'reason is required when accepted=false' },
      ]);
    }
    // Validated above (the headers by @CommandContext): only now does the call count against the campaign's limits
    // (unknown orders still count).
    await this.limits.within(campaignId, this.resource, () =>
      this.orders.execute(
        'DecideCancellation',
        { campaignId, orderId, accepted: body.accepted, reason: body.reason ?? undefined },
        {
          actor: command.actor,
          correlationId: command.correlationId,
          causationId: command.causationId,
          idempotencyKey: command.idempotencyKey,
          expectedVersion: command.expectedVersion,
        },
      ),
    );
    return { status: 'OK' };
  }
}
