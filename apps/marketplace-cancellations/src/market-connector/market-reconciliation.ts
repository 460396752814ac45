import { Inject, Injectable, Logger } from '@nestjs/common';
import { instantOfMarketDateTime } from '@orders/contracts';
import { Clock } from '@orders/service-kit';
import { MarketLimits } from '../market-api/market-limits';
import { outboundMarketResources } from '../market-api/market-resources';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { marketCalls } from '../marketplace-cancellations.metrics';
import { marketOrderDetails } from '../marketplace-orders/market-order-details';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import { PollingWorker } from '../shared/worker-kit';
import type { MarketCampaign } from './market-campaigns';
import { MarketApiClient } from './market-api.client';

type MarketOrder = Record<string, unknown> & { id: number; status: string; substatus?: string; updatedAt?: string };

const RECONCILER = 'market-reconciliation';
/** Pages of 50 read per campaign and round at most: 2,500 waiting orders, far beyond a shop's day. */
const MAX_PAGES = 50;

/**
 * Finds buyer cancellations whose notification never arrived: polls Market's orders waiting for the shop's answer
 * (`onlyWaitingForCancellationApprove=true`, within Market's limits of getOrders) and registers, through the one
 * command path, each request we have no trace of (no request in the read model, no decision in the outbox). Market's
 * order gives no request time: its `updatedAt` (the request updated it) stands in, so our deadline is not earlier
 * than Market's. Requests already known are left to the decider, which takes a redelivered request as a no-op.
 */
@Injectable()
export class MarketReconciliation extends PollingWorker {
  protected readonly logger = new Logger('MarketReconciliation');
  private readonly resources;

  constructor(
    private readonly orders: MarketplaceOrders,
    private readonly market: MarketApiClient,
    private readonly limits: MarketLimits,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {
    super();
    this.resources = outboundMarketResources(settings);
  }

  protected enabled(): boolean {
    return this.settings.runWorkers && this.settings.marketCampaigns.size > 0;
  }

  protected pollMs(): number {
    return this.settings.marketReconcileIntervalMs;
  }

  /** One round, then the interval: the round's count is not "more work waiting". */
  protected async tick(): Promise<number> {
    await this.reconcile();
    return 0;
  }

  /** One round over every connected campaign; returns how many lost requests were registered. */
  async reconcile(): Promise<number> {
    let found = 0;
    for (const campaign of this.settings.marketCampaigns.values()) found += await this.reconcileCampaign(campaign);
    return found;
  }

  private async reconcileCampaign(campaign: MarketCampaign): Promise<number> {
    let found = 0;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const reservation = await this.limits.reserve(campaign.campaignId, this.resources.getOrders);
      if (!reservation.ok) {
        marketCalls.inc({ call: 'to-market:getOrders', outcome: 'limited' });
        return found; // the next round continues; Market's limit is the shop's whole budget, not ours to spend
      }
      let answer;
      try {
        answer = await this.market.waitingForCancellationApprove(campaign, pageToken);
      } finally {
        await reservation.release();
      }
      marketCalls.inc({ call: 'to-market:getOrders', outcome: answer.status === 200 ? 'ok' : answer.status === 420 ? 'limited' : 'failed' });
      if (answer.status !== 200) {
        this.logger.warn(`waiting list of campaign ${campaign.campaignId}: Market answered ${answer.status}`);
        return found;
      }
      const body = answer.body as { orders?: MarketOrder[]; paging?: { nextPageToken?: string } };
      for (const order of body.orders ?? []) if (await this.registerIfLost(campaign.campaignId, order)) found++;
      pageToken = body.paging?.nextPageToken;
      if (!pageToken) break;
    }
    return found;
  }

  private async registerIfLost(campaignId: string, order: MarketOrder): Promise<boolean> {
    const orderId = String(order.id);
    const { rowCount } = await this.orders.store.pool.query(
      `SELECT 1 FROM cancellation_requests WHERE campaign_id = $1 AND order_id = $2
       UNION ALL SELECT 1 FROM market_outbox WHERE operation = 'acceptOrderCancellation' AND campaign_id = $1 AND order_id = $2
       LIMIT 1`,
      [campaignId, orderId],
    );
    if (rowCount) return false;
    const now = this.clock.now().toISOString();
    const updated = typeof order.updatedAt === 'string' ? instantOfMarketDateTime(order.updatedAt) : undefined;
    const requestedAt = updated ? new Date(updated).toISOString() : now;
    const context = { actor: RECONCILER, causationId: `${RECONCILER}-${campaignId}-${orderId}` };
    const ref = { campaignId, orderId };
    const details = marketOrderDetails(order, now);
    await this.orders.execute('RecordMarketOrderDetails', { ...ref, ...details }, context);
    const result = await this.orders.execute('RegisterBuyerCancellation', {
      ...ref, requestId: `${orderId}-${Date.parse(requestedAt)}`, requestedAt, substatus: order.substatus,
      orderStatus: order.status, paymentType: details.paymentType,
    }, context);
    if (result.events.length > 0)
      this.logger.warn(`order ${campaignId}/${orderId}: a cancellation request found by reconciliation (its notification was lost)`);
    return result.events.length > 0;
  }
}
