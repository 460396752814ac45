import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ID_FORMATS, PathId, type ErrorItem } from '@orders/service-kit';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { CancellationQueries } from '../read-model/cancellation-queries';
import { pageParameters, rejectUnknownParameters, throwIfProblems } from './list-query';

/** Our routes' campaign id follows the platform's one rule of path ids, where Market's operations keep Market's. */
const CampaignId = () => PathId('campaignId', 'campaign', ID_FORMATS.positiveInteger);

/**
 * Our own routes beside Market's (our conventions: the error envelope, 422 for bad values, no Market limits): the
 * queue with deadlines, time left and versions, which Market's OrderDTO has no room for, and the decision history.
 */
@ApiTags('cancellations')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId/cancellations')
@UseGuards(CampaignAccessGuard)
export class CancellationsController {
  constructor(private readonly queries: CancellationQueries) {}

  @Get('pending')
  @ApiOperation({
    summary:
      'Requests waiting for a decision, soonest deadline first, with the time left and the order version (If-Match)',
  })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  pending(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    return this.queries.pending(campaignId, this.page(query));
  }

  @Get('decisions')
  @ApiOperation({
    summary: 'Decision history of a campaign: accepted, rejected, expired and closed requests, newest first',
  })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  decisions(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    return this.queries.decisions(campaignId, this.page(query));
  }

  @Get('market-refusals')
  @ApiOperation({
    summary: "Decisions Market refused (400/404 to its PUT cancellation/accept), newest first: settle them in Market's cabinet",
  })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  marketRefusals(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    return this.queries.marketRefusals(campaignId, this.page(query));
  }

  private page(query: Record<string, unknown>) {
    rejectUnknownParameters(query, ['page', 'pageSize']);
    const problems: ErrorItem[] = [];
    const page = pageParameters(query, problems);
    throwIfProblems(problems);
    return page;
  }
}
