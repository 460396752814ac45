import { randomUUID } from 'node:crypto';
import { createStack, type Instance, type Stack } from './harness';
import { decisionPath } from './market-fixtures';

// Waits are on conditions (projections, workers); the bound only stops a hung run on a busy machine.
jest.setTimeout(30_000);

describe("Market's per-campaign limits, shared by every instance (real PostgreSQL)", () => {
  let stack: Stack;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    stack = await createStack();
    [a, b] = [await stack.start(), await stack.start()];
  }, 60_000);

  afterAll(() => stack?.drop());

  it('answers the 501st decision of an hour with 420 REQUEST_LIMIT_EXCEEDED and Retry-After, counting across instances', async () => {
    stack.clock.set('2026-03-01T10:15:00.000Z');
    // Decisions on an unknown order still count: Market limits calls of the method, not successes.
    for (let i = 0; i < 500; i++) {
      const instance = i % 2 ? a : b;
      await instance
        .http()
        .put(decisionPath(5000 + i))
        .set('Api-Key', stack.keys.c21)
        .send({ accepted: true })
        .expect(404);
    }
    const refused = await a
      .http()
      .put(decisionPath(6000))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: true })
      .expect(420);
    expect(refused.headers['retry-after']).toBe('2700');
    expect(refused.body).toEqual({
      status: 'ERROR',
      errors: [{ code: 'REQUEST_LIMIT_EXCEEDED', message: expect.stringContaining('500 requests per hour') }],
      request_id: expect.any(String),
    });
    await b.http().put(decisionPath(6000)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(420);
    // Another campaign has its own budget; the campaign's reads have theirs (10,000 an hour).
    await a.http().put(decisionPath(6000, 22)).set('Api-Key', stack.keys.c22).send({ accepted: true }).expect(404);
    await a.http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c21).expect(200);
    // The next hour brings a fresh budget.
    stack.clock.set('2026-03-01T11:00:00.000Z');
    await a.http().put(decisionPath(6000)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(404);
  }, 120_000);

  it("answers a request over a method's parallel limit with 420 LIMIT_EXCEEDED (GET orders 6, the decision 4), whichever instance holds the others", async () => {
    stack.clock.set('2026-03-01T12:00:00.000Z');
    // Requests in flight on other instances: their slots are rows like the ones a live request holds.
    const expires = new Date('2026-03-01T12:01:00.000Z');
    const inFlight = async (resource: string, n: number) => {
      for (let i = 0; i < n; i++) {
        await stack.pool.query(
          `INSERT INTO in_flight_requests (token, campaign_id, resource, expires_at) VALUES ($1, '21', $2, $3)`,
          [randomUUID(), resource, expires],
        );
      }
    };
    await inFlight('getOrders', 5);
    await b.http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c21).expect(200);
    await inFlight('getOrders', 1);
    const refused = await b.http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c21).expect(420);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.errors).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'Hit rate limit of 6 parallel requests for campaignId 21' },
    ]);
    // Each method counts its own: six GETs in flight leave the decision its four.
    await a.http().put(decisionPath(7000)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(404);
    await inFlight('acceptOrderCancellation', 4);
    const decision = await a
      .http()
      .put(decisionPath(7000))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: true })
      .expect(420);
    expect(decision.body.errors).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'Hit rate limit of 4 parallel requests for campaignId 21' },
    ]);
    await a.http().get('/v2/campaigns/22/orders').set('Api-Key', stack.keys.c22).expect(200);
    // A slot held by a crashed instance expires with its lease.
    stack.clock.set('2026-03-01T12:01:00.000Z');
    await b.http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c21).expect(200);
  });

  it('answers a burst of simultaneous requests with 200 or 420 only, and leaks no slot', async () => {
    stack.clock.set('2026-03-01T13:00:00.000Z');
    const requests = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? a : b).http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c21),
    );
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 420)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM in_flight_requests WHERE campaign_id = '21' AND expires_at > $1`,
      [stack.clock.now()],
    );
    expect(rows[0].n).toBe(0);
  });
});

describe("Market's limits count normalised campaigns, and only requests that passed validation", () => {
  let stack: Stack;
  let app: Instance;
  const path = (campaign: string, order = '900') => `/v2/campaigns/${campaign}/orders/${order}/cancellation/accept`;
  const used = async (): Promise<{ campaign_id: string; used: number }[]> =>
    (await stack.pool.query(`SELECT campaign_id, used FROM rate_limit_windows ORDER BY campaign_id`)).rows;

  beforeAll(async () => {
    stack = await createStack({ env: { MARKET_DECISIONS_PER_HOUR: '2' } });
    app = await stack.start();
    stack.clock.set('2026-03-01T10:15:00.000Z');
  }, 60_000);

  afterAll(() => stack?.drop());

  it('refuses by validation (400, as Market) without consuming the budget or a slot', async () => {
    const put = (target: string, body: object) =>
      app.http().put(target).set('Api-Key', stack.keys.all).send(body).expect(400);
    await put(path('21'), { accepted: 'yes' });
    await put(path('21'), { accepted: false });
    await put(path('21', 'x1'), { accepted: true });
    await put(path('0'), { accepted: true });
    await app
      .http()
      .put(path('21'))
      .set({ 'Api-Key': stack.keys.all, 'If-Match': 'soon' })
      .send({ accepted: true })
      .expect(400);
    await app.http().get('/v2/campaigns/21/orders?page=-1').set('Api-Key', stack.keys.all).expect(400);
    await app.http().get('/v2/campaigns/21/orders?pageToken=forged').set('Api-Key', stack.keys.all).expect(400);
    expect(await used()).toEqual([]);
    expect((await stack.pool.query(`SELECT count(*)::int AS n FROM in_flight_requests`)).rows[0].n).toBe(0);
  });

  it('counts 0021 and 21 in one budget', async () => {
    await app.http().put(path('0021')).set('Api-Key', stack.keys.all).send({ accepted: true }).expect(404);
    await app.http().put(path('21')).set('Api-Key', stack.keys.all).send({ accepted: true }).expect(404);
    expect(await used()).toEqual([{ campaign_id: '21', used: 2 }]);
    const refused = await app
      .http()
      .put(path('00021'))
      .set('Api-Key', stack.keys.all)
      .send({ accepted: true })
      .expect(420);
    expect(refused.headers['retry-after']).toBe('2700');
    expect(refused.body.errors).toEqual([
      { code: 'REQUEST_LIMIT_EXCEEDED', message: expect.stringContaining('campaignId 21') },
    ]);
  });

  it('takes the parallel slot of the normalised campaign', async () => {
    stack.clock.set('2026-03-01T12:00:00.000Z');
    const expires = new Date('2026-03-01T12:01:00.000Z');
    for (let i = 0; i < 6; i++) {
      await stack.pool.query(
        `INSERT INTO in_flight_requests (token, campaign_id, resource, expires_at) VALUES ($1, '21', 'getOrders', $2)`,
        [randomUUID(), expires],
      );
    }
    const refused = await app.http().get('/v2/campaigns/021/orders').set('Api-Key', stack.keys.all).expect(420);
    expect(refused.body.errors).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'Hit rate limit of 6 parallel requests for campaignId 21' },
    ]);
  });
});
