import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedMarket } from '@orders/simulated-market';
import { MarketOutboxWorker } from '../src/market-connector/market-outbox.worker';
import { createStack, eventually, one, type Instance, type Stack } from './harness';
import { decisionPath } from './market-fixtures';

// Issue 17: the cancellation page's leftovers on the service side. The connector's calls to Market (what was sent,
// Market's answer, attempts) and the campaign's remaining limits, read over HTTP; the queue's change stream. Against
// the simulated Market and the real PostgreSQL (the stream's notices are the database's own NOTIFYs).
jest.setTimeout(60_000);

const MARKET_KEY = 'ACMA:market-calls-spec-key-21';
const t0 = '2026-03-01T10:20:00.000Z';

interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Opens the queue's event stream and collects what it sends (pings aside); `until` waits for a matching event. */
function openStream(url: string, key: string) {
  const events: StreamEvent[] = [];
  const waiters: { match: (e: StreamEvent) => boolean; resolve: () => void }[] = [];
  let response: IncomingMessage | undefined;
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    get(url, { headers: { 'Api-Key': key, Accept: 'text/event-stream' } }, (res) => {
      response = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, boundary).split('\n');
          buffer = buffer.slice(boundary + 2);
          const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
          const data = field('data');
          const event = {
            event: field('event') ?? 'message',
            data: data ? (JSON.parse(data) as Record<string, unknown>) : {},
          };
          if (event.event === 'ping') continue;
          events.push(event);
          for (const waiter of waiters.filter((w) => w.match(event))) waiter.resolve();
        }
      });
      resolve(res);
    }).on('error', reject);
  });
  return {
    opened,
    events,
    /** Resolves once an event after the first `from` ones matches. */
    until: (match: (e: StreamEvent) => boolean, from = 0) =>
      new Promise<void>((resolve) => {
        if (events.slice(from).some(match)) resolve();
        else waiters.push({ match, resolve });
      }),
    close: () => response?.destroy(),
  };
}

describe("the Market calls, the campaign's limits and the queue's change stream", () => {
  let market: SimulatedMarket;
  let stack: Stack;
  let app: Instance;
  let url = '';

  beforeAll(async () => {
    market = new SimulatedMarket({ campaigns: { '21': MARKET_KEY }, now: () => stack.clock.now() });
    await market.listen();
    stack = await createStack({
      workers: true,
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
    url = `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;
    market.notificationUrl = `${url}/notification`;
  }, 90_000);

  afterAll(async () => {
    await stack?.drop();
    await market?.close();
  });

  const outboxState = async (orderId: number, operation = 'acceptOrderCancellation') =>
    await one<{ state: string; attempts: number }>(
      stack.pool,
      `SELECT state, attempts FROM market_outbox WHERE order_id = $1 AND operation = $2`,
      [String(orderId), operation],
    );

  /** A prepaid order in delivery whose buyer cancels: PENDING in the service once Market's notifications came. */
  async function buyerCancels(orderId: number): Promise<void> {
    await market.createOrder({ campaignId: 21, orderId, paymentType: 'PREPAID' });
    await eventually(async () => (await outboxState(orderId, 'getOrder'))?.state === 'SENT', `order ${orderId} read`);
    stack.clock.advance(1000);
    await market.updateStatus(21, orderId, 'DELIVERY', 'DELIVERY_SERVICE_RECEIVED');
    stack.clock.advance(1000);
    await market.requestCancellation(21, orderId);
    await eventually(
      () =>
        one(stack.pool, `SELECT 1 FROM cancellation_requests WHERE order_id = $1 AND state = 'PENDING'`, [
          String(orderId),
        ]),
      `order ${orderId}'s request PENDING`,
    );
  }

  const calls = (query: string, key = stack.keys.c21) =>
    app.http().get(`/v2/campaigns/21/market-calls${query}`).set('Api-Key', key);

  it("lists what was sent to Market and its answer, per order, and the campaign's limits spent on it", async () => {
    await buyerCancels(6101);
    await app
      .http()
      .put(decisionPath(6101))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: false, reason: 'ORDER_DELIVERED' })
      .expect(200);
    await eventually(async () => (await outboxState(6101))?.state === 'SENT', 'the decision sent');

    const { body } = await calls('?orderId=6101').expect(200);
    expect(body.pager).toMatchObject({ total: 2, currentPage: 1 });
    // Newest first: the decision, then the read of the new order.
    expect(body.calls.map((c: { operation: string }) => c.operation)).toEqual(['acceptOrderCancellation', 'getOrder']);
    expect(body.calls[0]).toMatchObject({
      orderId: 6101,
      state: 'SENT',
      attempts: 1,
      nextAttemptAt: null,
      sent: {
        method: 'PUT',
        path: '/v2/campaigns/21/orders/6101/cancellation/accept',
        body: { accepted: false, reason: 'ORDER_DELIVERED' },
      },
      answer: { status: 200, summary: 'OK' },
    });
    expect(body.calls[1]).toMatchObject({ sent: { method: 'GET', path: '/v2/campaigns/21/orders/6101', body: null } });
    // What was sent is the body Market received, and nothing of the buyer.
    const received = market.received('acceptOrderCancellation').filter((r) => r.orderId === 6101);
    expect(received.map((r) => r.body)).toEqual([body.calls[0].sent.body]);

    const limits = await app.http().get('/v2/campaigns/21/market-limits').set('Api-Key', stack.keys.c21).expect(200);
    const decision = limits.body.limits.find(
      (l: { resource: string }) => l.resource === 'to-market:acceptOrderCancellation',
    );
    expect(decision).toEqual({
      resource: 'to-market:acceptOrderCancellation',
      perHour: 500,
      usedThisHour: 1,
      leftThisHour: 499,
      parallel: 4,
      parallelInUse: 0,
      resetsAt: '2026-03-01T11:00:00.000Z',
    });
    expect(limits.body.limits.find((l: { resource: string }) => l.resource === 'to-market:getOrder')).toMatchObject({
      usedThisHour: 1,
      parallelInUse: 0,
    });
  });

  it("shows Market's failure, the attempts and the next attempt of a PENDING call; filters and pages", async () => {
    await buyerCancels(6102);
    market.failNext(1, 503, { operationId: 'acceptOrderCancellation' });
    await app.http().put(decisionPath(6102)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(200);
    await eventually(async () => (await outboxState(6102))?.attempts === 1, 'the 503 recorded');

    const { body } = await calls('?state=PENDING').expect(200);
    expect(body.calls).toHaveLength(1);
    const [call] = body.calls;
    expect(call).toMatchObject({ orderId: 6102, state: 'PENDING', attempts: 1, sent: { body: { accepted: true } } });
    expect(call.answer.status).toBe(503);
    expect(typeof call.answer.summary).toBe('string');
    expect(Date.parse(call.nextAttemptAt)).toBeGreaterThan(stack.clock.now().getTime());

    const paged = await calls('?pageSize=1&page=2').expect(200);
    expect(paged.body.pager).toMatchObject({ total: 4, from: 2, to: 2, pageSize: 1, pagesCount: 4 });
    // Sent again once due: the same row, SENT on its second attempt.
    stack.clock.advance(3_600_000);
    await app.app.get(MarketOutboxWorker).processBatch();
    const after = await calls('?orderId=6102&state=SENT').expect(200);
    expect(after.body.calls[0]).toMatchObject({
      operation: 'acceptOrderCancellation',
      attempts: 2,
      answer: { status: 200 },
    });
  });

  it("keeps each campaign's calls, limits and stream to its own keys, and refuses bad parameters", async () => {
    await calls('', stack.keys.c22).expect(403);
    await app.http().get('/v2/campaigns/21/market-limits').set('Api-Key', stack.keys.c22).expect(403);
    await app.http().get('/v2/campaigns/21/cancellations/events').set('Api-Key', stack.keys.c22).expect(403);
    await calls('', stack.keys.reader).expect(200);
    const bad = await calls('?orderId=abc&state=DONE').expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['orderId', 'state']);
    await calls('?phone=1').expect(400);
  });

  it("streams a campaign's changes as they commit: a request, a decision, Market's answer; not others'", async () => {
    const stream = openStream(`${url}/v2/campaigns/21/cancellations/events`, stack.keys.c21);
    const other = openStream(`${url}/v2/campaigns/22/cancellations/events`, stack.keys.c22);
    try {
      expect((await stream.opened).headers['content-type']).toMatch(/^text\/event-stream/);
      await stream.until((e) => e.event === 'ready');
      await other.until((e) => e.event === 'ready');
      let from = stream.events.length;
      await buyerCancels(6103);
      await stream.until((e) => e.event === 'queue.changed' && e.data.campaignId === '21', from);
      from = stream.events.length;
      await app.http().put(decisionPath(6103)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(200);
      await eventually(async () => (await outboxState(6103))?.state === 'SENT', 'the decision sent');
      await stream.until((e) => e.event === 'market.changed', from);
      await stream.until((e) => e.event === 'queue.changed', from);
      expect(other.events.map((e) => e.event)).toEqual(['ready']);
    } finally {
      stream.close();
      other.close();
    }
  });

  it('says reload when the service lost its LISTEN connection (what changed meanwhile was not heard)', async () => {
    const stream = openStream(`${url}/v2/campaigns/21/cancellations/events`, stack.keys.c21);
    try {
      await stream.until((e) => e.event === 'ready');
      const { rows } = await stack.pool.query<{ pid: number }>(
        `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
         WHERE datname = current_database() AND query = 'LISTEN marketplace_queue_changes'`,
      );
      expect(rows).toHaveLength(1);
      await stream.until((e) => e.event === 'reload');
      // Listening again: the next change is heard.
      const from = stream.events.length;
      await buyerCancels(6104);
      await stream.until((e) => e.event === 'queue.changed', from);
    } finally {
      stream.close();
    }
  });
});
