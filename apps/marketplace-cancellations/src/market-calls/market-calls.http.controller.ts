import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Documented, ID_FORMATS, PathId, type ErrorItem } from '@orders/service-kit';
import { pageParameters, rejectUnknownParameters, throwIfProblems } from '../cancellation-queue/list-query';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { MarketLimits } from '../market-api/market-limits';
import { outboundMarketResources } from '../market-api/market-resources';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { MarketCallsQuery } from './market-calls.query';
import { MarketCallsDto, MarketLimitsDto } from './market-calls.response.dto';

const CampaignId = () => PathId('campaignId', 'campaign', ID_FORMATS.positiveInteger);
const STATES = ['PENDING', 'SENT', 'REFUSED'];

/**
 * What the connector sent to Market for a campaign and what Market answered (the outbox), and what is left of the
 * campaign's Market limits: our own routes (the platform's envelope), read by the operators' console and by support.
 */
@ApiTags('market connector')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId')
@UseGuards(CampaignAccessGuard)
export class MarketCallsController {
  private readonly resources: ReturnType<typeof outboundMarketResources>;

  constructor(
    private readonly calls: MarketCallsQuery,
    private readonly limits: MarketLimits,
    @Inject(CANCELLATION_SETTINGS) settings: CancellationSettings,
  ) {
    this.resources = outboundMarketResources(settings);
  }

  @Get('market-calls')
  @Documented({
    summary:
      "Calls to Market for the campaign, newest first: what was sent, Market's answer, attempts and the next attempt",
    type: MarketCallsDto,
  })
  @ApiQuery({
    name: 'orderId',
    required: false,
    schema: { type: 'integer', format: 'int64', minimum: 1, example: 1001 },
  })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string', enum: STATES } })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, example: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, example: 50 } })
  list(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    rejectUnknownParameters(query, ['orderId', 'state', 'page', 'pageSize']);
    const problems: ErrorItem[] = [];
    const page = pageParameters(query, problems);
    const { orderId, state } = query;
    if (orderId !== undefined && !(typeof orderId === 'string' && ID_FORMATS.positiveInteger.test(orderId))) {
      problems.push({ code: 'INVALID_FORMAT', field: 'orderId', message: 'orderId must be a positive integer' });
    }
    if (state !== undefined && !(typeof state === 'string' && STATES.includes(state))) {
      problems.push({ code: 'OUT_OF_RANGE', field: 'state', message: `state must be one of ${STATES.join(', ')}` });
    }
    throwIfProblems(problems);
    return this.calls.list(
      campaignId,
      {
        orderId: orderId === undefined ? undefined : ID_FORMATS.positiveInteger.normalise(orderId as string),
        state: state as string | undefined,
      },
      page,
    );
  }

  @Get('market-limits')
  @Documented({
    summary:
      "What is left of the campaign's Market limits for the connector's calls: this hour's calls, parallel slots",
    type: MarketLimitsDto,
  })
  async remaining(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    rejectUnknownParameters(query, []);
    const { acceptOrderCancellation, getOrder, getOrders } = this.resources;
    return { campaignId, limits: await this.limits.usage(campaignId, [acceptOrderCancellation, getOrder, getOrders]) };
  }
}
