import type { NestExpressApplication } from '@nestjs/platform-express';
import { MARKETPLACE_ORDER_STREAM_TYPE, deadlineFor, marketplaceOrderStreamId } from '@orders/cancellations-domain';
import { EventStore } from '@orders/event-store';
import type { SimulatedMarket } from '@orders/simulated-market';
import type { ManualClock } from '@orders/service-kit';
import type { Pool } from 'pg';
import { MarketOutboxWorker } from '../../apps/marketplace-cancellations/src/market-connector/market-outbox.worker';
import { MarketplaceOrders } from '../../apps/marketplace-cancellations/src/marketplace-orders/marketplace-orders';
import { metric, percentile, type Metric } from '../lib/report';

// decisions_to_market: the shop's decisions through the one command path (DecideCancellation, the outbox row written
// with the events), delivered by two outbox workers (limits kept in PostgreSQL, a lease per row) to the simulated
// Market, vs a raw client driving the same simulator directly at the same limits (each campaign's parallel limit in
// flight). p99 is from a decision's commit to Market's 200 for it.

/** Connected campaigns of the bench: decisions spread over them, as a shop with several storefronts. */
export const BENCH_CAMPAIGNS = [101, 102, 103, 104, 105, 106, 107, 108];
export const MARKET_BENCH_KEY = 'bench-market-api-key';

const DECIDERS = 16;

async function forEachLane<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

const orderIdOf = (i: number): number => 500_000 + i;
const campaignOf = (i: number): number => BENCH_CAMPAIGNS[i % BENCH_CAMPAIGNS.length];

/** `count` orders with a PENDING request, on both sides: our streams (appended as the decider would) and Market. */
async function seed(store: EventStore, market: SimulatedMarket, count: number, offset: number, t0: number): Promise<void> {
  const requestedAt = new Date(t0 - 3_600_000).toISOString();
  await forEachLane(Array.from({ length: count }, (_, i) => offset + i), 16, async (i) => {
    const campaignId = String(campaignOf(i));
    const orderId = String(orderIdOf(i));
    await store.append(marketplaceOrderStreamId(campaignId, orderId), 'no_stream', [
      { type: 'MarketplaceOrderSynced', data: { campaignId, orderId, status: 'DELIVERY', marketStatus: 'DELIVERY',
        paymentType: 'PREPAID', updatedAt: new Date(t0 - 7_200_000).toISOString(), source: 'POLL' } },
      { type: 'CancellationRequested', data: { requestId: `r-${orderId}`, campaignId, orderId, requestedAt,
        deadlineAt: deadlineFor(requestedAt), orderStatusAtRequest: 'DELIVERY' } },
    ], { streamType: MARKETPLACE_ORDER_STREAM_TYPE });
    await market.createOrder({ campaignId: Number(campaignId), orderId: Number(orderId), status: 'DELIVERY',
      substatus: 'DELIVERY_SERVICE_RECEIVED' }, { notify: false });
    await market.requestCancellation(Number(campaignId), Number(orderId), { notify: false });
  });
}

/** Market's 200s per order id: when each decision reached Market (wall clock, as the simulator saw it). */
function okTimes(market: SimulatedMarket): Map<number, number> {
  const times = new Map<number, number>();
  for (const r of market.received('acceptOrderCancellation'))
    if (r.status === 200 && r.orderId !== undefined) times.set(r.orderId, Date.parse(r.at));
  return times;
}

export async function decisionsToMarket(app: NestExpressApplication, pool: Pool, market: SimulatedMarket,
  count: number, clock: ManualClock): Promise<Metric[]> {
  const t0 = clock.now().getTime();
  const store = app.get(EventStore);
  const orders = app.get(MarketplaceOrders);
  const worker = app.get(MarketOutboxWorker);
  await seed(store, market, count, 0, t0);

  const decidedAt = new Map<number, number>();
  let decided = false;
  const started = process.hrtime.bigint();
  const deciders = forEachLane(Array.from({ length: count }, (_, i) => i), DECIDERS, async (i) => {
    await orders.execute('DecideCancellation', { campaignId: String(campaignOf(i)), orderId: String(orderIdOf(i)),
      accepted: true }, { actor: 'bench' });
    decidedAt.set(orderIdOf(i), Date.now());
  }).then(() => { decided = true; });
  // Two outbox workers, as two instances: each batch until nothing is pending and every decision is made.
  const pending = async (): Promise<number> =>
    (await pool.query(`SELECT count(*)::int AS n FROM market_outbox WHERE state = 'PENDING'`)).rows[0].n;
  const drive = async (): Promise<void> => {
    for (;;) {
      const sent = await worker.processBatch();
      if (sent === 0 && decided && (await pending()) === 0) return;
      // Nothing due: rows wait for a place within the limits (Retry-After 1 s on the manual clock), so time moves.
      if (sent === 0) {
        clock.advance(1000);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };
  await Promise.all([deciders, drive(), drive()]);
  const ours = Number(process.hrtime.bigint() - started) / 1e9;
  const reached = okTimes(market);
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM market_outbox WHERE state = 'SENT'`);
  if (rows[0].n !== count || reached.size !== count || market.counts().invalid > 0)
    throw new Error(`decisions_to_market: ${rows[0].n} sent, ${reached.size} reached Market of ${count}, ${market.counts().invalid} invalid`);
  const latencies = [...decidedAt].map(([orderId, at]) => (reached.get(orderId) as number) - at);
  const retried = market.received('acceptOrderCancellation').length - count;

  // The baseline: the same Market, the same limits, a raw client holding each campaign's parallel limit in flight.
  await seed(store, market, count, count, t0);
  const baselineStart = process.hrtime.bigint();
  const parallel = 4;
  const baselineLatencies: number[] = [];
  await Promise.all(BENCH_CAMPAIGNS.map((campaignId) => {
    const ids = Array.from({ length: count }, (_, i) => count + i).filter((i) => campaignOf(i) === campaignId);
    return forEachLane(ids, parallel, async (i) => {
      const sentAt = Date.now();
      const response = await fetch(`${market.url}/v2/campaigns/${campaignId}/orders/${orderIdOf(i)}/cancellation/accept`, {
        method: 'PUT', headers: { 'Api-Key': MARKET_BENCH_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ accepted: true }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`baseline: Market answered ${response.status}`);
      baselineLatencies.push(Date.now() - sentAt);
    });
  }));
  const baseline = Number(process.hrtime.bigint() - baselineStart) / 1e9;
  return [
    metric('decisions_to_market', 'decisions/s', count / ours, count / baseline,
      'raw fetch PUTs to the same simulator, 4 in flight per campaign', {
        goal: 'high',
        notes: `${count} decisions over ${BENCH_CAMPAIGNS.length} campaigns, ${DECIDERS} deciders, 2 outbox workers; ` +
          `decision → Market's 200 p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
          `${retried} calls answered 420 and retried`,
      }),
    metric('decisions_to_market_p99', 'ms', percentile(latencies, 99), percentile(baselineLatencies, 99),
      "raw client: PUT sent → Market's 200", {
        goal: 'low', notes: "ours: wall clock from the DecideCancellation commit to the simulator's 200 to its PUT",
      }),
  ];
}
