import type { AddressInfo } from 'node:net';
import { SimulatedMarket } from '@orders/simulated-market';
import { MarketOutboxWorker } from '../src/market-connector/market-outbox.worker';
import { MarketReconciliation } from '../src/market-connector/market-reconciliation';
import { createStack, eventually, one, type Instance, type Stack } from './harness';
import { decisionPath } from './market-fixtures';

// The connector against the simulated Market (in-process, on its own port), the service on the real PostgreSQL and
// Kafka: Market notifies, the shop decides, the outbox worker tells Market. Every request the connector sends is held
// against Market's own OpenAPI by the simulator; the count is printed at the end (invalid: 0).
jest.setTimeout(60_000);

const MARKET_KEY = 'ACMA:connector-spec-key-21';
const t0 = '2026-03-01T10:00:00.000Z';

describe('the Market connector, against the simulated Market', () => {
  let market: SimulatedMarket;
  let stack: Stack;
  let app: Instance;

  beforeAll(async () => {
    market = new SimulatedMarket({ campaigns: { '21': MARKET_KEY }, now: () => stack.clock.now() });
    await market.listen();
    stack = await createStack({
      workers: true,
      kafka: true,
      env: {
        MARKET_API_URL: market.url,
        MARKET_CAMPAIGNS: JSON.stringify({ 21: { apiKey: MARKET_KEY } }),
        MARKET_OUTBOX_POLL_MS: '50',
        MARKET_RECONCILE_INTERVAL_MS: '3600000',
      },
    });
    stack.clock.set(t0);
    app = await stack.start();
    await app.app.listen(0, '127.0.0.1');
    const { port } = app.app.getHttpServer().address() as AddressInfo;
    market.notificationUrl = `http://127.0.0.1:${port}/notification`;
  }, 90_000);

  afterAll(async () => {
    const { checked, invalid, invalidAnswers } = market.counts();
    console.log(`connector → simulated Market: ${checked} requests checked against Market's OpenAPI, invalid: ${invalid}` +
      ` (simulator answers off-schema: ${invalidAnswers})`);
    await stack?.drop();
    await market?.close();
  });

  /** A prepaid order Market hands to delivery, whose buyer then cancels; the service holds the request PENDING. */
  async function buyerCancels(orderId: number, options: { notify?: boolean } = {}): Promise<void> {
    await market.createOrder({ campaignId: 21, orderId, paymentType: 'PREPAID' });
    // ORDER_CREATED asks for Market's order; waited for, so its recording never races the next notification (the
    // notification worker's conflicts wait for a backoff on the clock, which only the spec moves).
    await eventually(async () => (await outboxRow(orderId, 'getOrder'))?.state === 'SENT', `order ${orderId} read`);
    stack.clock.advance(60_000);
    await market.updateStatus(21, orderId, 'DELIVERY', 'DELIVERY_SERVICE_RECEIVED');
    stack.clock.advance(60_000);
    await market.requestCancellation(21, orderId, options);
    if (options.notify ?? true) await pending(orderId);
  }

  const pending = (orderId: number) =>
    eventually(
      () => one(stack.pool, `SELECT 1 FROM cancellation_requests WHERE order_id = $1 AND state = 'PENDING'`, [String(orderId)]),
      `order ${orderId}'s request PENDING`,
    );

  const decide = (orderId: number, body: object = { accepted: true }) =>
    app.http().put(decisionPath(orderId)).set('Api-Key', stack.keys.c21).send(body).expect(200);

  const outboxRow = (orderId: number, operation = 'acceptOrderCancellation') =>
    one<{ state: string; attempts: number; decided_at: Date; sent_at: Date | null; next_attempt_at: Date }>(
      stack.pool,
      `SELECT state, attempts, decided_at, sent_at, next_attempt_at FROM market_outbox WHERE order_id = $1 AND operation = $2`,
      [String(orderId), operation],
    );

  const puts = (orderId: number) => market.received('acceptOrderCancellation').filter((r) => r.orderId === orderId);

  const eventTypes = async (orderId: number): Promise<string[]> =>
    (
      await stack.pool.query<{ type: string }>(
        `SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
        [`marketplace_order-21-${orderId}`],
      )
    ).rows.map((r) => r.type);

  it('buyer cancels → Market notifies → the shop decides → Market receives exactly one valid PUT', async () => {
    await buyerCancels(5001);
    await decide(5001);
    await eventually(async () => (await outboxRow(5001))?.state === 'SENT', 'the decision sent');
    expect(puts(5001).map((r) => [r.status, r.body, r.problems])).toEqual([[200, { accepted: true }, []]]);
    expect(market.orders.get(21, 5001)?.cancellation?.decision).toMatchObject({ accepted: true });
    // ORDER_CREATED asked for Market's order: read once, recorded for the Market-shaped read model.
    expect((await outboxRow(5001, 'getOrder'))?.state).toBe('SENT');
    expect(market.received('getOrder').filter((r) => r.orderId === 5001)).toHaveLength(1);
    await eventually(
      () => one(stack.pool, `SELECT 1 FROM marketplace_orders WHERE order_id = '5001' AND market_order IS NOT NULL`),
      "Market's order in the read model",
    );
    expect(market.counts().invalid).toBe(0);
  });

  it('420 then 200: one decision, sent again only after Retry-After', async () => {
    await buyerCancels(5002);
    market.failNext(1, 420, { retryAfterSeconds: 30, operationId: 'acceptOrderCancellation' });
    await decide(5002, { accepted: false, reason: 'ORDER_DELIVERED' });
    await eventually(async () => puts(5002).length === 1 || undefined, 'the first PUT');
    expect(puts(5002)[0].status).toBe(420);
    const waiting = await eventually(async () => {
      const row = await outboxRow(5002);
      return row?.attempts === 1 ? row : undefined;
    }, 'the 420 recorded');
    expect(waiting.state).toBe('PENDING');
    expect(waiting.next_attempt_at.getTime() - stack.clock.now().getTime()).toBe(30_000);
    // Before Retry-After nothing is due: a batch now sends nothing.
    expect(await app.app.get(MarketOutboxWorker).processBatch()).toBe(0);
    expect(puts(5002)).toHaveLength(1);

    stack.clock.advance(30_000);
    await eventually(async () => (await outboxRow(5002))?.state === 'SENT', 'the decision sent after Retry-After');
    expect(puts(5002).map((r) => r.status)).toEqual([420, 200]);
    expect(puts(5002)[1].body).toEqual({ accepted: false, reason: 'ORDER_DELIVERED' });
    const sent = await outboxRow(5002);
    expect((sent?.sent_at?.getTime() ?? 0) - (sent?.decided_at.getTime() ?? 0)).toBeGreaterThanOrEqual(30_000);
    expect((await eventTypes(5002)).filter((t) => t === 'CancellationRejected')).toHaveLength(1);
    expect(market.orders.get(21, 5002)?.cancellation?.decision).toMatchObject({ accepted: false, reason: 'ORDER_DELIVERED' });
  });

  it('a dropped notification is found by reconciliation, once', async () => {
    await buyerCancels(5003, { notify: false });
    expect(await one(stack.pool, `SELECT 1 FROM cancellation_requests WHERE order_id = '5003'`)).toBeUndefined();
    const reconciliation = app.app.get(MarketReconciliation);
    expect(await reconciliation.reconcile()).toBe(1);
    await pending(5003);
    const request = await one<{ requested_at: Date; deadline_at: Date }>(
      stack.pool, `SELECT requested_at, deadline_at FROM cancellation_requests WHERE order_id = '5003'`);
    // Market's updatedAt (seconds) stands in for the request time: the deadline is Market's 48 hours from it.
    expect(request?.requested_at.toISOString()).toBe(market.orders.get(21, 5003)?.cancellation?.requestedAt);
    expect((request?.deadline_at.getTime() ?? 0) - (request?.requested_at.getTime() ?? 0)).toBe(48 * 3_600_000);
    expect(await reconciliation.reconcile()).toBe(0);
    expect(market.received('getOrders').every((r) => r.query.onlyWaitingForCancellationApprove?.[0] === 'true')).toBe(true);
  });

  it('a decision Market refuses becomes MarketDecisionRefused, listed for operators', async () => {
    await buyerCancels(5004);
    market.refuseDecision(21, 5004, 'ORDER_NOT_CANCELLABLE', 'The order cannot be cancelled');
    await decide(5004);
    await eventually(async () => (await outboxRow(5004))?.state === 'REFUSED', 'the refusal recorded');
    expect(puts(5004).map((r) => r.status)).toEqual([400]);
    expect(await eventTypes(5004)).toContain('MarketDecisionRefused');
    const list = await app.http().get('/v2/campaigns/21/cancellations/market-refusals').set('Api-Key', stack.keys.c21)
      .expect(200);
    expect(list.body.refusals).toEqual([
      expect.objectContaining({ orderId: 5004, accepted: true, status: 400, error: expect.stringContaining('ORDER_NOT_CANCELLABLE') }),
    ]);
  });

  it("every request the connector sent is valid per Market's OpenAPI", () => {
    const { checked, invalid } = market.counts();
    expect(checked).toBeGreaterThanOrEqual(9);
    expect(invalid).toBe(0);
    expect(market.invalidAnswers).toEqual([]);
  });
});
