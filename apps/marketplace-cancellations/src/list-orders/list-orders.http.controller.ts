import { Controller, Get, Inject, NotFoundException, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Clock } from '@orders/service-kit';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { pathIds } from '../market-api/market-ids';
import { MarketLimits } from '../market-api/market-limits';
import { MarketLimitsInterceptor } from '../market-api/market-limits.interceptor';
import { MarketOperation } from '../market-api/market-operation';
import { marketQuery } from '../market-api/market-query';
import { marketResources } from '../market-api/market-resources';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { MarketOrdersQuery } from '../read-model/market-orders.query';
import { marketOrderOf } from '../read-model/market-order.view';
import { ordersRequestOf, pageToken } from './orders-request';

/**
 * Market's GET orders and GET order, answered from the read model exactly as Market's description has them
 * (GetOrdersResponse, GetOrderResponse): every documented query parameter, both pagings, Market's statuses and
 * limits. The queue the shop decides from is `onlyWaitingForCancellationApprove=true`.
 */
@ApiTags('market')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId/orders')
@UseGuards(CampaignAccessGuard)
@UseInterceptors(MarketLimitsInterceptor)
export class OrdersController {
  private readonly resources;

  constructor(
    private readonly orders: MarketOrdersQuery,
    private readonly limits: MarketLimits,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) settings: CancellationSettings,
  ) {
    this.resources = marketResources(settings);
  }

  @Get()
  @MarketOperation(
    'getOrders',
    "A campaign's orders as Market's GET orders answers (the queue with onlyWaitingForCancellationApprove=true)",
  )
  async list(@Param('campaignId') campaignParam: string, @Query() query: Record<string, unknown>) {
    const { campaignId } = pathIds(campaignParam);
    const now = this.clock.now();
    const { filter, paging } = ordersRequestOf(marketQuery('getOrders', query), now);
    // Validated above: only now does the call take a slot and a share of the hour.
    const page = await this.limits.within(campaignId, this.resources.getOrders, () =>
      this.orders.list(campaignId, filter, paging, now),
    );
    const next = page.next ? { nextPageToken: pageToken(filter.onlyWaitingForCancellationApprove, page.next) } : {};
    const orders = page.rows.map(marketOrderOf);
    if (paging.kind === 'cursor') return { orders, paging: next };
    const { page: currentPage, pageSize } = paging;
    const total = page.total ?? 0;
    const from = orders.length === 0 ? 0 : (currentPage - 1) * pageSize + 1;
    const pager = {
      total,
      from,
      to: from === 0 ? 0 : from + orders.length - 1,
      currentPage,
      pagesCount: Math.ceil(total / pageSize),
      pageSize,
    };
    return { pager, orders, paging: next };
  }

  @Get(':orderId')
  @MarketOperation('getOrder', "One order as Market's GET order answers")
  async one(
    @Param('campaignId') campaignParam: string,
    @Param('orderId') orderParam: string,
    @Query() query: Record<string, unknown>,
  ) {
    const { campaignId, orderId } = pathIds(campaignParam, orderParam);
    marketQuery('getOrder', query);
    const row = await this.limits.within(campaignId, this.resources.getOrder, () =>
      this.orders.one(campaignId, orderId),
    );
    if (!row)
      throw new NotFoundException({
        errors: [
          { code: 'NOT_FOUND', message: `order ${orderId} not found`, details: { resource: 'order', id: orderId } },
        ],
      });
    return { order: marketOrderOf(row) };
  }
}
