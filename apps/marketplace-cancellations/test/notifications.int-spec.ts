import { marketOpenApi } from '@orders/contracts';
import { one, stackForSuite, type Stack } from './harness';
import { cancellationRequested, statusUpdated } from './market-fixtures';

// Waits are on conditions (workers drained by hand); the bound only stops a hung run on a busy machine.
jest.setTimeout(30_000);

const t0 = '2026-03-01T10:00:00.000Z';
const MARKET_PEER = '5.45.207.10';
const TOKEN = 'a-shared-secret-of-32-characters';

const stored = async (stack: Stack, orderId: number): Promise<number> =>
  (
    await one<{ n: number }>(stack.pool, `SELECT count(*)::int AS n FROM market_notifications WHERE order_id = $1`, [
      String(orderId),
    ])
  )?.n ?? 0;
const eventTypes = async (stack: Stack, orderId: number): Promise<string[]> =>
  (
    await stack.pool.query(`SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`, [
      `marketplace_order-21-${orderId}`,
    ])
  ).rows.map((r) => r.type);

/**
 * Behind a proxy: the service sees the proxy (loopback, trusted) and Market's address in X-Forwarded-For, and the
 * URL given to Market carries the shared token. Market's own ranges only.
 */
describe('POST /notification behind a trusted proxy, with a token (Market addresses only)', () => {
  const suite = stackForSuite(
    {
      env: {
        MARKET_NOTIFICATION_SOURCES: '5.45.207.0/25,141.8.142.0/25,5.255.253.0/25',
        MARKET_TRUSTED_PROXIES: '127.0.0.1,::1',
        MARKET_NOTIFICATION_TOKEN: TOKEN,
      },
    },
    t0,
  );

  const post = (body: object, forwardedFor?: string, token: string | null = TOKEN) => {
    const req = suite.api.http().post(token === null ? '/notification' : `/notification?token=${token}`);
    return (forwardedFor === undefined ? req : req.set('X-Forwarded-For', forwardedFor)).send(body);
  };

  it("takes a notification from Market's address as the proxy forwards it, and answers as Market's reference says", async () => {
    const res = await post(cancellationRequested(601, t0), MARKET_PEER).expect(200);
    expect(res.body).toEqual({ version: '1.0.0', name: 'marketplace-cancellations', time: t0 });
    expect(marketOpenApi().notifications.response(res.body)).toBe(true);
    expect(await stored(suite.stack, 601)).toBe(1);
  });

  it('refuses with 403 and no effect: the proxy itself, an address outside the ranges, a forged header, a wrong or missing token', async () => {
    const refusals = [
      await post(cancellationRequested(602, t0)), // the proxy's own request: loopback is not Market
      await post(cancellationRequested(602, t0), '203.0.113.7'),
      await post(cancellationRequested(602, t0), '5.45.207.128'), // just past 5.45.207.0/25
      await post(cancellationRequested(602, t0), `${MARKET_PEER}, 203.0.113.7`), // the client wrote Market's address itself
      await post(cancellationRequested(602, t0), MARKET_PEER, 'not-the-shared-secret-at-all-xx'),
      await post(cancellationRequested(602, t0), MARKET_PEER, null),
    ];
    for (const res of refusals) {
      expect({ status: res.status, type: res.body.error?.type }).toEqual({ status: 403, type: 'UNKNOWN' });
      expect(marketOpenApi().notifications.errorResponse(res.body)).toBe(true);
    }
    expect(await stored(suite.stack, 602)).toBe(0);
    await post(cancellationRequested(602, t0), '141.8.142.1, 10.0.0.0').expect(403); // an untrusted hop right of Market's
    await post(cancellationRequested(602, t0), '10.9.9.9, 141.8.142.1').expect(200);
    expect(await stored(suite.stack, 602)).toBe(1);
  });
});

describe('POST /notification straight from the network (no trusted proxy)', () => {
  const suite = stackForSuite({ env: { MARKET_NOTIFICATION_SOURCES: '5.45.207.0/25,141.8.142.0/25,5.255.253.0/25' } });

  it("refuses a peer outside Market's ranges whatever X-Forwarded-For claims, PING included, and stores nothing", async () => {
    const ping = await suite.api.http().post('/notification').send({ notificationType: 'PING', time: t0 }).expect(403);
    expect(ping.body).toEqual({
      error: { type: 'UNKNOWN', message: expect.stringContaining("Market's addresses only") },
    });
    await suite.api
      .http()
      .post('/notification')
      .set('X-Forwarded-For', MARKET_PEER)
      .send(cancellationRequested(701, t0))
      .expect(403);
    expect(await stored(suite.stack, 701)).toBe(0);
  });
});

/** From Market's ranges as the specs send them (loopback allowed in the harness). */
describe('POST /notification: every type as the reference shows it, duplicates, wrong events', () => {
  const suite = stackForSuite({}, t0);

  const post = (body: unknown) =>
    suite.api
      .http()
      .post('/notification')
      .send(body as object);

  it('accepts every example of the reference exactly as shown, and each typed as its schema; acts only on orders it can name', async () => {
    const { notifications } = marketOpenApi();
    for (const example of notifications.examples) {
      await post(example.body).expect(200);
      const typed = await post({ ...example.body, notificationType: example.notificationType });
      expect({ dto: example.dto, status: typed.status }).toEqual({ dto: example.dto, status: 200 });
    }
    for (const body of notifications.requestExamples) await post(body).expect(200);
    // The examples name order 0 (a placeholder): acknowledged, nothing stored.
    expect((await one<{ n: number }>(suite.stack.pool, `SELECT count(*)::int AS n FROM market_notifications`))?.n).toBe(
      0,
    );
  });

  it('answers a duplicate with 400 DUPLICATED_EVENT and no second effect, whatever offset the time is written in', async () => {
    await post(statusUpdated(801, 'DELIVERY', '2026-03-01T09:00:00Z')).expect(200);
    await post(cancellationRequested(801, t0)).expect(200);
    for (const requestedAt of [t0, '2026-03-01T13:00:00+03:00']) {
      const again = await post(cancellationRequested(801, requestedAt)).expect(400);
      expect(again.body).toEqual({
        error: { type: 'DUPLICATED_EVENT', message: expect.stringContaining('received before') },
      });
      expect(marketOpenApi().notifications.errorResponse(again.body)).toBe(true);
    }
    expect(await suite.api.notifications.drain()).toBe(2);
    expect(await eventTypes(suite.stack, 801)).toEqual(['MarketplaceOrderSynced', 'CancellationRequested']);
    expect(await stored(suite.stack, 801)).toBe(2);
  });

  it('stores notifications that arrive together once each, a repeated one answered as a duplicate', async () => {
    // Sent at once, they share statements and commits (the inbox's group commit): each key must still be stored once,
    // exactly one of its two sendings answered 200 and the other DUPLICATED_EVENT, and the order of one order's
    // notifications kept for the worker.
    const bodies = Array.from({ length: 12 }, (_, i) => statusUpdated(810 + (i % 3), 'DELIVERY', `2026-03-01T0${i % 4}:00:${String(i).padStart(2, '0')}Z`));
    const answers = await Promise.all([...bodies, ...bodies].map((body) => post(body)));
    const byKey = new Map<string, number[]>();
    [...bodies, ...bodies].forEach((body, i) => byKey.set(JSON.stringify(body), [...(byKey.get(JSON.stringify(body)) ?? []), answers[i].status]));
    for (const statuses of byKey.values()) expect(statuses.sort()).toEqual([200, 400]);
    for (const orderId of [810, 811, 812]) expect(await stored(suite.stack, orderId)).toBe(4);
    const { rows } = await suite.stack.pool.query(
      `SELECT count(*)::int AS n FROM market_order_ids WHERE campaign_id = '21' AND order_id = ANY($1)`, [['810', '811', '812']]);
    expect(rows[0].n).toBe(3);
  });

  it('fails only the notification the database refuses when it arrives with others', async () => {
    // Year 0 fits the reference's date-time but not PostgreSQL's timestamptz: that one is our failure (500, Market
    // sends it again); the ones that came with it are stored and answered 200.
    const good = Array.from({ length: 10 }, (_, i) => statusUpdated(820 + i, 'DELIVERY', '2026-03-01T09:00:00Z'));
    const refused = statusUpdated(830, 'DELIVERY', '0000-01-01T00:00:00Z');
    const answers = await Promise.all([...good.slice(0, 5), refused, ...good.slice(5)].map((body) => post(body)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 500, 200, 200, 200, 200, 200]);
    for (let i = 0; i < 10; i++) expect(await stored(suite.stack, 820 + i)).toBe(1);
    expect(await stored(suite.stack, 830)).toBe(0);
  });

  it('answers what the reference refuses with 400 WRONG_EVENT_FORMAT naming the problem, and stores nothing', async () => {
    const old = await post({
      notificationType: 'ORDER_CANCELLATION_REQUEST',
      campaignId: 21,
      orderId: 802,
      createdAt: t0,
    }).expect(400);
    expect(old.body).toEqual({ error: { type: 'WRONG_EVENT_FORMAT', message: '/requestedAt is required' } });
    const bad = await post({
      notificationType: 'ORDER_STATUS_UPDATED',
      campaignId: 0,
      orderId: 'x',
      status: 'DELIVERY',
      substatus: 'STARTED',
      updatedAt: 'now',
    }).expect(400);
    expect(bad.body.error.message).toEqual(expect.stringContaining('/campaignId must be >= 1'));
    expect(bad.body.error.message).toEqual(expect.stringContaining('/orderId must be integer'));
    const malformed = await suite.api
      .http()
      .post('/notification')
      .set('Content-Type', 'application/json')
      .send('[1,')
      .expect(400);
    expect(malformed.body).toEqual({ error: { type: 'WRONG_EVENT_FORMAT', message: expect.any(String) } });
    await post({ notificationType: 'ORDER_SHIPPED', campaignId: 21, orderId: 802 }).expect(400);
    const huge = await post({ notificationType: 'PING', padding: 'x'.repeat(1_100_000) }).expect(400);
    expect(huge.body.error.type).toBe('WRONG_EVENT_FORMAT');
    expect(await stored(suite.stack, 802)).toBe(0);
  });

  it("takes Market's new statuses (its enums are open) and keeps them as UNKNOWN", async () => {
    await post({
      ...statusUpdated(803, 'DELIVERY', '2026-03-01T08:00:00Z'),
      status: 'TELEPORTED',
      substatus: 'BEAMED_UP',
    }).expect(200);
    await suite.api.notifications.drain();
    expect(
      await one(
        suite.stack.pool,
        `SELECT data->>'status' AS status, data->>'marketStatus' AS raw FROM event_store.events WHERE stream_id = 'marketplace_order-21-803'`,
      ),
    ).toEqual({ status: 'UNKNOWN', raw: 'TELEPORTED' });
  });

  it("records ORDER_CREATED's creation time and items for Market's order list", async () => {
    await post({
      notificationType: 'ORDER_CREATED',
      campaignId: 21,
      orderId: 804,
      createdAt: '2026-03-01T07:30:00Z',
      items: [{ offerId: 'sku-1', count: 2 }],
    }).expect(200);
    await suite.api.notifications.drain();
    expect(await eventTypes(suite.stack, 804)).toEqual(['MarketplaceOrderSynced', 'MarketOrderDetailsRecorded']);
  });
});
