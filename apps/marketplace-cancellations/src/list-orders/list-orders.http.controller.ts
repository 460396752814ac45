import { Controller, Get, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ID_FORMATS, PathId, type ErrorItem } from '@orders/service-kit';
import { CancellationQueries } from '../read-model/cancellation-queries';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { booleanParameter, pageParameters, rejectUnknownParameters, throwIfProblems } from './list-query';
import { pathIds } from '../market-api/market-ids';
import { MarketLimits } from '../market-api/market-limits';
import { MarketLimitsInterceptor } from '../market-api/market-limits.interceptor';

@ApiTags('market')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId')
@UseGuards(CampaignAccessGuard)
@UseInterceptors(MarketLimitsInterceptor)
export class OrdersController {
  constructor(private readonly queries: CancellationQueries, private readonly limits: MarketLimits) {}

  @Get('orders')
  @ApiOperation({ summary: 'Orders of a campaign; onlyWaitingForCancellationApprove=true gives the queue, soonest deadline first' })
  @ApiQuery({ name: 'onlyWaitingForCancellationApprove', required: false, type: Boolean })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  orders(@Param('campaignId') campaignParam: string, @Query() query: Record<string, unknown>) {
    rejectUnknownParameters(query, ['onlyWaitingForCancellationApprove', 'page', 'pageSize']);
    const problems: ErrorItem[] = [];
    const { campaignId } = pathIds(campaignParam);
    const onlyWaiting = booleanParameter(query, 'onlyWaitingForCancellationApprove', problems);
    const page = pageParameters(query, problems);
    throwIfProblems(problems);
    // Validated above: only now does the call take one of the campaign's parallel slots.
    return this.limits.within(campaignId, undefined, () => this.queries.orders(campaignId, onlyWaiting, page));
  }

  @Get('cancellations/decisions')
  @ApiOperation({ summary: 'Decision history of a campaign: accepted, rejected, expired and closed requests, newest first' })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  // Not a Market operation: its campaign id follows the platform's one rule of path ids (a value that cannot be a
  // campaign's id answers 404 NOT_FOUND as a missing one), where the Market operations keep Market's answers.
  decisions(
    @PathId('campaignId', 'campaign', ID_FORMATS.positiveInteger) campaignId: string,
    @Query() query: Record<string, unknown>,
  ) {
    rejectUnknownParameters(query, ['page', 'pageSize']);
    const problems: ErrorItem[] = [];
    const page = pageParameters(query, problems);
    throwIfProblems(problems);
    return this.limits.within(campaignId, undefined, () => this.queries.decisions(campaignId, page));
  }
}
