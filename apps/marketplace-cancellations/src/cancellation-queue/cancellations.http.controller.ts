import { applyDecorators, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Documented, ID_FORMATS, PathId, type ErrorItem } from '@orders/service-kit';
import { DecisionsDto, MarketRefusalsDto, PendingRequestsDto } from './cancellation-queue.response.dto';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { CancellationQueries } from '../read-model/cancellation-queries';
import { pageParameters, rejectUnknownParameters, throwIfProblems } from './list-query';

/** Our routes' campaign id follows the platform's one rule of path ids, where Market's operations keep Market's. */
const CampaignId = () => PathId('campaignId', 'campaign', ID_FORMATS.positiveInteger);

const PageQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, example: 1 } }),
    ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, example: 50 } }),
  );

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
  @Documented({
    summary:
      'Requests waiting for a decision, soonest deadline first, with the time left and the order version (If-Match)',
    type: PendingRequestsDto,
  })
  @PageQuery()
  pending(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    return this.queries.pending(campaignId, this.page(query));
  }

  @Get('decisions')
  @Documented({
    summary: 'Decision history of a campaign: accepted, rejected, expired and closed requests, newest first',
    type: DecisionsDto,
  })
  @PageQuery()
  decisions(@CampaignId() campaignId: string, @Query() query: Record<string, unknown>) {
    return this.queries.decisions(campaignId, this.page(query));
  }

  @Get('market-refusals')
  @Documented({
    summary:
      "Decisions Market refused (400/404 to its PUT cancellation/accept), newest first: settle them in Market's cabinet",
    type: MarketRefusalsDto,
  })
  @PageQuery()
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
