import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@orders/service-kit';
import { MarketLimits } from '../market-api/market-limits';
import { outboundMarketResources } from '../market-api/market-resources';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { marketCalls } from '../marketplace-cancellations.metrics';
import { marketOrderDetails } from '../marketplace-orders/market-order-details';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import { PollingWorker, forEachLimited, retryDelayMs } from '../shared/worker-kit';
import { MarketApiClient, type MarketAnswer } from './market-api.client';
import { MarketOutboxSignal, type MarketCallOperation } from './market-outbox';

interface OutboxRow {
  readonly id: string;
  readonly operation: MarketCallOperation;
  readonly campaign_id: string;
  readonly order_id: string;
  readonly cause_id: string;
  readonly body: { accepted: boolean; reason?: string } | null;
  readonly attempts: number;
  readonly decided_at: Date;
}

/** How a row ends this attempt. */
type Settled =
  | { readonly state: 'SENT'; readonly status: number }
  | { readonly state: 'REFUSED'; readonly status: number; readonly error: string }
  | { readonly state: 'PENDING'; readonly retryInMs: number; readonly status?: number; readonly error: string;
      readonly counts: boolean };

const CONNECTOR = 'market-connector';

/** Market's first error (`{errors: [{code, message}]}`), or what came instead. */
function marketError(body: unknown): { code: string; message: string } {
  const first = (body as { errors?: { code?: unknown; message?: unknown }[] } | undefined)?.errors?.[0];
  return first && typeof first.code === 'string'
    ? { code: first.code, message: typeof first.message === 'string' ? first.message : '' }
    : { code: 'UNKNOWN', message: JSON.stringify(body ?? null).slice(0, 300) };
}

/**
 * Sends the outbox's calls to Market. Claims due rows with FOR UPDATE SKIP LOCKED (any number of instances) and leases
 * them (their next attempt moved past the call's timeout, so a crashed instance's rows come back), sends each
 * outside any transaction after taking a place within Market's limits for the campaign in PostgreSQL (so instances
 * together stay under them), and settles each row: SENT on 200; on 420 again after Market's `Retry-After`; on
 * a failure (5xx, timeout, network, a key Market does not take) again with exponential backoff; REFUSED on a 400 or
 * 404, recorded on the order as MarketDecisionRefused (or, for a GET order, logged) for operators.
 */
@Injectable()
export class MarketOutboxWorker extends PollingWorker {
  protected readonly logger = new Logger('MarketOutboxWorker');
  private readonly resources;

  constructor(
    private readonly orders: MarketplaceOrders,
    private readonly market: MarketApiClient,
    private readonly limits: MarketLimits,
    private readonly clock: Clock,
    signal: MarketOutboxSignal,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {
    super();
    this.resources = outboundMarketResources(settings);
    signal.onWritten(() => this.poke());
  }

  protected enabled(): boolean {
    return this.settings.runWorkers && this.settings.marketCampaigns.size > 0;
  }

  protected pollMs(): number {
    return this.settings.marketOutboxPollMs;
  }

  protected tick(): Promise<number> {
    return this.processBatch();
  }

  /** Sends what is due now; returns how many rows were settled (sent, refused or rescheduled). */
  async processBatch(): Promise<number> {
    const now = this.clock.now();
    const lease = new Date(now.getTime() + this.settings.marketCallTimeoutMs + 30_000);
    const { rows } = await this.orders.store.pool.query<OutboxRow>(
      `UPDATE market_outbox SET next_attempt_at = $3 WHERE id IN (
         SELECT id FROM market_outbox WHERE state = 'PENDING' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, operation, campaign_id, order_id, cause_id, body, attempts, decided_at`,
      [now, this.settings.marketOutboxBatchSize, lease],
    );
    // Campaigns side by side, each with as many calls at once as Market lets it have in flight (the limits in
    // PostgreSQL decide per call, across instances).
    const byCampaign = new Map<string, OutboxRow[]>();
    for (const row of rows) byCampaign.set(row.campaign_id, [...(byCampaign.get(row.campaign_id) ?? []), row]);
    const settlements: Settlement[] = [];
    await Promise.all([...byCampaign.values()].map((ofCampaign) => this.sendAll(ofCampaign, settlements)));
    try {
      await this.settle(settlements);
    } catch (error) {
      // Recording Market's answers failed (our database): the rows' lease brings them back, sent again.
      this.logger.error(`market_outbox: settling ${settlements.length} rows failed: ${messageOf(error)}`);
    }
    return rows.length;
  }

  private async sendAll(rows: readonly OutboxRow[], settlements: Settlement[]): Promise<void> {
    await forEachLimited(rows, this.settings.parallelRequestsPerCampaign, async (row) => {
      const answer = await this.send(row);
      try {
        // What Market's answer adds to the order goes through the one command path on its own (so a conflict with
        // a notification is retried there); both commands are idempotent, so a row settled later re-records nothing.
        const settled = 'state' in answer ? answer : await this.settledBy(row, answer);
        marketCalls.inc({ call: `to-market:${row.operation}`, outcome: outcomeOf(settled) });
        settlements.push({ row, settled, at: this.clock.now() });
      } catch (error) {
        // Recording what Market answered failed (our database): the row's lease brings it back, sent again.
        this.logger.error(`market_outbox ${row.id}: ${messageOf(error)}`);
      }
    });
  }

  private async send(row: OutboxRow): Promise<Settled | MarketAnswer> {
    const campaign = this.settings.marketCampaigns.get(row.campaign_id);
    if (!campaign)
      return { state: 'PENDING', retryInMs: 300_000, error: 'campaign not in MARKET_CAMPAIGNS', counts: false };
    const reservation = await this.limits.reserve(row.campaign_id, this.resources[row.operation]);
    // Our own count says Market would refuse: wait as Market would tell us to, without spending an attempt.
    if (!reservation.ok)
      return { state: 'PENDING', retryInMs: reservation.retryAfterSeconds * 1000, error: reservation.code, counts: false };
    let answer: MarketAnswer;
    try {
      answer = row.operation === 'getOrder'
        ? await this.market.getOrder(campaign, row.order_id)
        : await this.market.acceptOrderCancellation(campaign, row.order_id, row.body);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { state: 'PENDING', retryInMs: retryDelayMs(row.attempts + 1), error: message, counts: true };
    } finally {
      await reservation.release();
    }
    return answer;
  }

  private async settledBy(row: OutboxRow, answer: MarketAnswer): Promise<Settled> {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      if (row.operation === 'getOrder') await this.recordOrder(row, answer.body);
      return { state: 'SENT', status };
    }
    const { code, message } = marketError(answer.body);
    if (status === 420)
      return { state: 'PENDING', status, retryInMs: (answer.retryAfterSeconds ?? 1) * 1000, error: code, counts: true };
    if (status === 400 || status === 404) {
      await this.recordRefusal(row, status, code, message);
      return { state: 'REFUSED', status, error: `${code}: ${message}` };
    }
    // 401/403: the key is wrong or revoked, which an operator fixes in MARKET_CAMPAIGNS; 5xx: Market's trouble.
    if (status === 401 || status === 403)
      this.logger.error(`Market refused the Api-Key of campaign ${row.campaign_id} (${status} ${code}); will retry`);
    return { state: 'PENDING', status, retryInMs: retryDelayMs(row.attempts + 1), error: `${code}: ${message}`, counts: true };
  }

  private async recordOrder(row: OutboxRow, body: unknown): Promise<void> {
    const order = (body as { order?: Record<string, unknown> } | undefined)?.order;
    if (!order) return;
    // Market answered after the notification that asked (decided_at is its time): its view is the later one, even
    // when our clock lags Market's.
    const asOf = Math.max(this.clock.now().getTime(), row.decided_at.getTime() + 1);
    const details = marketOrderDetails(order, new Date(asOf).toISOString());
    await this.orders.execute('RecordMarketOrderDetails', { campaignId: row.campaign_id, orderId: row.order_id, ...details },
      { actor: CONNECTOR, causationId: `market-outbox-${row.id}` });
  }

  private async recordRefusal(row: OutboxRow, status: number, code: string, message: string): Promise<void> {
    if (row.operation !== 'acceptOrderCancellation' || !row.body) {
      this.logger.warn(`Market answered ${status} ${code} to ${row.operation} of order ${row.campaign_id}/${row.order_id}`);
      return;
    }
    this.logger.error(`Market refused the decision on order ${row.campaign_id}/${row.order_id}: ${status} ${code}`);
    await this.orders.execute('RecordMarketDecisionRefused', {
      campaignId: row.campaign_id, orderId: row.order_id, requestId: row.cause_id, accepted: row.body.accepted,
      ...(row.body.reason ? { reason: row.body.reason } : {}), status, code, message,
    }, { actor: CONNECTOR, causationId: `market-outbox-${row.id}` });
  }

  /**
   * Records how the batch's rows ended, all in one statement once every call of the batch was answered: a round trip
   * per batch instead of one per call. Until then the rows stay leased, so no other instance sends them meanwhile.
   */
  private async settle(settlements: readonly Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    const column = <T>(of: (s: Settlement) => T) => settlements.map(of);
    const pending = (s: Settlement) => s.settled.state === 'PENDING';
    await this.orders.store.pool.query(
      `UPDATE market_outbox o SET
         state = x.state,
         next_attempt_at = coalesce(x.next_attempt_at, o.next_attempt_at),
         attempts = o.attempts + x.counts,
         last_status = x.status,
         last_error = x.error,
         sent_at = CASE WHEN x.state = 'PENDING' THEN o.sent_at ELSE x.at END
       FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::timestamptz[])
         AS x(id, state, next_attempt_at, counts, status, error, at)
       WHERE o.id = x.id`,
      [
        column((s) => s.row.id),
        column((s) => s.settled.state),
        column((s) => (s.settled.state === 'PENDING' ? new Date(s.at.getTime() + s.settled.retryInMs) : null)),
        column((s) => (s.settled.state !== 'PENDING' || s.settled.counts ? 1 : 0)),
        column((s) => s.settled.status ?? null),
        column((s) => (pending(s) || s.settled.state === 'REFUSED' ? errorOf(s.settled).slice(0, 500) : null)),
        column((s) => s.at),
      ],
    );
  }
}

interface Settlement {
  readonly row: OutboxRow;
  readonly settled: Settled;
  /** When the answer came: a retry's delay counts from here, and a sent row's sent_at. */
  readonly at: Date;
}

const errorOf = (settled: Settled): string => ('error' in settled ? settled.error : '');
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function outcomeOf(settled: Settled): 'ok' | 'limited' | 'refused' | 'failed' {
  if (settled.state === 'SENT') return 'ok';
  if (settled.state === 'REFUSED') return 'refused';
  return settled.status === 420 || !settled.counts ? 'limited' : 'failed';
}
