import { SimulatedMarket } from '@orders/simulated-market';
import { writeMarketCalls, type MarketCall } from '../src/market-connector/market-outbox';
import { MarketOutboxWorker } from '../src/market-connector/market-outbox.worker';
import { createStack, type Instance, type Stack } from './harness';

// The outbox worker records Market's answers for a whole batch at once. Workers off: the spec runs the batch.
jest.setTimeout(60_000);

const MARKET_KEY = 'ACMA:outbox-batches-spec-key-21';
const t0 = '2026-03-01T10:00:00.000Z';

describe("the outbox worker records Market's answers per batch (real PostgreSQL, simulated Market)", () => {
  let market: SimulatedMarket;
  let stack: Stack;
  let app: Instance;

  beforeAll(async () => {
    market = new SimulatedMarket({ campaigns: { '21': MARKET_KEY }, now: () => stack.clock.now() });
    await market.listen();
    stack = await createStack({
      env: { MARKET_API_URL: market.url, MARKET_CAMPAIGNS: JSON.stringify({ 21: { apiKey: MARKET_KEY } }) },
    });
    stack.clock.set(t0);
    app = await stack.start();
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await stack?.drop();
    await market?.close();
  });

  it('settles every row of a batch in one statement, each with its own answer', async () => {
    const orders = [4001, 4002, 4003, 4004, 4005];
    for (const orderId of orders) {
      await market.createOrder(
        { campaignId: 21, orderId, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED' },
        { notify: false },
      );
      await market.requestCancellation(21, orderId, { notify: false });
    }
    const unknownOrder = 4999; // Market answers 404: refused, with its error kept for operators
    const client = await stack.pool.connect();
    try {
      await client.query('BEGIN');
      const calls: MarketCall[] = [
        ...orders.map((orderId) => ({
          operation: 'acceptOrderCancellation' as const,
          campaignId: '21',
          orderId: String(orderId),
          causeId: `r-${orderId}`,
          body: { accepted: true },
          decidedAt: t0,
        })),
        {
          operation: 'getOrder',
          campaignId: '21',
          orderId: String(unknownOrder),
          causeId: 'order-created',
          decidedAt: t0,
        },
      ];
      await writeMarketCalls(client, calls, stack.clock.now());
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    expect(await app.app.get(MarketOutboxWorker).processBatch()).toBe(orders.length + 1);
    const { rows } = await stack.pool.query<{ order_id: string; state: string; attempts: number; writer: string }>(
      `SELECT order_id, state, attempts, xmin::text AS writer FROM market_outbox ORDER BY order_id`,
    );
    expect(rows.map((r) => [r.order_id, r.state, r.attempts])).toEqual([
      ...orders.map((orderId) => [String(orderId), 'SENT', 1]),
      [String(unknownOrder), 'REFUSED', 1],
    ]);
    // One writer for all of them: the batch's settling statement (a statement per row would leave one each).
    expect(new Set(rows.map((r) => r.writer)).size).toBe(1);
    expect(market.received('acceptOrderCancellation').filter((r) => r.status === 200)).toHaveLength(orders.length);
  });
});
