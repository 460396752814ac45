import { marketOpenApi, describeAjvErrors, type MarketOperation } from '@orders/contracts';
import type { Response } from 'supertest';
import { MarketplaceOrders } from '../src/marketplace-orders/marketplace-orders';
import { marketOrderDetails } from '../src/marketplace-orders/market-order-details';
import { createStack, eventually, one, type Instance, type Stack } from './harness';
import { cancellationRequested, decisionPath, notify, pendingRequest, statusUpdated } from './market-fixtures';
import { FETCHED_ORDER, PERSONAL_VALUES } from './market-order.fixture';

// Conformance of our Market-shaped routes and of POST /notification with Market's own description (vendored in
// libs/contracts/market): every request we send is held against Market's parameter and body schemas, every answer
// against the schema Market declares for its status, every notification example of the reference is sent as shown.
// The checks are counted, and the counts printed at the end (requests and responses checked, failures: 0).
jest.setTimeout(60_000);

const t0 = '2026-03-01T10:00:00.000Z';
const api = marketOpenApi();

interface Counts {
  requests: number;
  responses: number;
  notifications: number;
  failures: string[];
}
const counts: Counts = { requests: 0, responses: 0, notifications: 0, failures: [] };

function check(kind: 'requests' | 'responses' | 'notifications', ok: boolean, what: string, why: () => string[]): void {
  counts[kind] += 1;
  if (!ok) counts.failures.push(`${what}: ${why().join('; ')}`);
}

/** Holds an answer against the schema Market declares for its status (an undeclared status is a failure). */
function conforms(
  operation: MarketOperation,
  res: Response,
  what = `${operation.operationId} ${res.status}`,
): Response {
  if (!operation.declaredStatuses.includes(res.status)) {
    check('responses', false, what, () => [`Market declares no ${res.status} (${JSON.stringify(res.body)})`]);
    return res;
  }
  const validate = operation.response(res.status);
  check('responses', validate(res.body), what, () => [
    ...describeAjvErrors(validate.errors),
    JSON.stringify(res.body).slice(0, 400),
  ]);
  return res;
}

/** Holds a query (typed as Market's parameters type it) against Market's parameter schemas; `valid` is the verdict expected. */
function queryConforms(operation: MarketOperation, query: Record<string, unknown>, valid = true): void {
  for (const [name, value] of Object.entries(query)) {
    const parameter = operation.parameters.find((p) => p.name === name || p.aliases.includes(name));
    const ok = parameter !== undefined && parameter.validate(value) === valid;
    check('requests', ok, `${operation.operationId} ?${name}=${JSON.stringify(value)}`, () => [
      parameter ? `expected ${valid ? 'valid' : 'invalid'}` : 'not a parameter',
    ]);
  }
}

function bodyConforms(operation: MarketOperation, body: unknown, valid = true): void {
  const validate = operation.requestBody;
  check(
    'requests',
    validate !== undefined && validate(body) === valid,
    `${operation.operationId} body ${JSON.stringify(body)}`,
    () => [`expected ${valid ? 'valid' : 'invalid'}`, ...describeAjvErrors(validate?.errors)],
  );
}

/** Query strings as a client generated from Market's description writes them (arrays repeated). */
const search = (query: Record<string, unknown>): string =>
  Object.entries(query)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${name}=${encodeURIComponent(String(v))}`),
    )
    .join('&');

describe("Market's description, held against our Market-shaped routes and POST /notification", () => {
  let stack: Stack;
  let app: Instance;
  const getOrders = api.operation('getOrders');
  const getOrder = api.operation('getOrder');
  const accept = api.operation('acceptOrderCancellation');

  beforeAll(async () => {
    stack = await createStack();
    app = await stack.start();
    stack.clock.set(t0);
    // The campaign's orders: three waiting for a decision, one processing, one Market's order as its API returned it.
    for (const id of [9101, 9102, 9103]) await pendingRequest(app, id, `2026-03-01T0${id - 9100}:00:00.000Z`);
    await notify(app, {
      notificationType: 'ORDER_CREATED',
      campaignId: 21,
      orderId: 9104,
      createdAt: '2026-02-28T21:30:00Z',
      items: [{ offerId: 'sku-7', count: 3 }],
    });
    await notify(app, statusUpdated(9105, 'DELIVERY', '2026-03-01T08:00:00Z'));
    await app.notifications.drain();
    await app.app
      .get(MarketplaceOrders)
      .execute(
        'RecordMarketOrderDetails',
        { campaignId: '21', orderId: '9105', ...marketOrderDetails(FETCHED_ORDER, '2026-03-01T08:00:05.000Z') },
        { actor: 'market-connector' },
      );
    await eventually(
      async () =>
        (await one(
          stack.pool,
          `SELECT 1 FROM marketplace_orders WHERE order_id = '9105' AND market_order IS NOT NULL`,
        )) ?? undefined,
      'the read order',
    );
  }, 90_000);

  afterAll(() => stack?.drop());

  const get = (path: string, key = stack.keys.c21) => app.http().get(path).set('Api-Key', key);
  const orders = (query: Record<string, unknown> = {}, key?: string) =>
    get(`/v2/campaigns/21/orders?${search(query)}`, key);

  it('GET orders: each documented filter and both pagings answer GetOrdersResponse, every order with all its required fields', async () => {
    const queries: Record<string, unknown>[] = [
      {},
      { onlyWaitingForCancellationApprove: true },
      { onlyWaitingForCancellationApprove: false, fake: false, hasCis: false, onlyEstimatedDelivery: false },
      { status: ['DELIVERY', 'PICKUP'], substatus: ['DELIVERY_SERVICE_RECEIVED'] },
      { orderIds: [9101, 9105] },
      { fromDate: '2026-02-28', toDate: '2026-03-02' },
      { updatedAtFrom: '2026-03-01T00:00:00+03:00', updatedAtTo: '2026-03-02T00:00:00Z' },
      {
        supplierShipmentDateFrom: '2026-03-01',
        supplierShipmentDateTo: '2026-03-02',
        dispatchType: 'BUYER',
        buyerType: 'PERSON',
      },
      { hasCis: true },
      { onlyEstimatedDelivery: true },
      { fake: true },
      { page: 1, pageSize: 2 },
      { page: 2, pageSize: 2 },
      { page: 50, pageSize: 2 },
      { limit: 2 },
      { limit: 50, onlyWaitingForCancellationApprove: true },
    ];
    for (const query of queries) {
      queryConforms(getOrders, query);
      const res = conforms(getOrders, await orders(query).expect(200), `getOrders ?${search(query)}`);
      expect(res.body.orders.length).toBeLessThanOrEqual(50);
    }
  });

  it('GET orders: the filters and pagings select what Market says they select', async () => {
    const ids = async (query: Record<string, unknown>): Promise<number[]> =>
      (await orders(query).expect(200)).body.orders.map((o: { id: number }) => o.id);
    expect(await ids({ onlyWaitingForCancellationApprove: true })).toEqual([9101, 9102, 9103]); // soonest deadline first
    expect(await ids({})).toEqual([9105, 9104, 9103, 9102, 9101]); // newest first
    expect(await ids({ status: ['PROCESSING'] })).toEqual([9104]);
    expect(await ids({ orderIds: [9101, 9105] })).toEqual([9105, 9101]);
    expect(await ids({ hasCis: true })).toEqual([9105]);
    expect(await ids({ supplierShipmentDateFrom: '2026-03-01', supplierShipmentDateTo: '2026-03-02' })).toEqual([9105]);
    // Creation days are Moscow's: 9104 was created at 21:30 UTC on 28 February, 00:30 on 1 March in Moscow.
    expect(await ids({ fromDate: '2026-03-01', toDate: '2026-03-01' })).toEqual([9105, 9104, 9103, 9102, 9101]);
    expect(await ids({ fromDate: '27-02-2026', toDate: '28-02-2026' })).toEqual([]); // Market's ДД-ММ-ГГГГ too
    expect(await ids({ updatedAtTo: '2026-03-01T00:00:00Z' })).toEqual([9104]);
    expect(await ids({ fake: true })).toEqual([]);
    // The older pager, and the cursor walked to its end through nextPageToken.
    const paged = (await orders({ page: 2, pageSize: 2 }).expect(200)).body;
    expect(paged.pager).toEqual({ total: 5, from: 3, to: 4, currentPage: 2, pagesCount: 3, pageSize: 2 });
    expect(paged.orders.map((o: { id: number }) => o.id)).toEqual([9103, 9102]);
    const walked: number[] = [];
    let token: string | undefined;
    do {
      const query = token ? { limit: 2, pageToken: token } : { limit: 2 };
      queryConforms(getOrders, query);
      const body = conforms(getOrders, await orders(query).expect(200)).body;
      walked.push(...body.orders.map((o: { id: number }) => o.id));
      token = body.paging.nextPageToken;
    } while (token);
    expect(walked).toEqual([9105, 9104, 9103, 9102, 9101]);
    const queue = conforms(
      getOrders,
      await orders({ onlyWaitingForCancellationApprove: true, limit: 1 }).expect(200),
    ).body;
    const next = conforms(
      getOrders,
      await orders({
        onlyWaitingForCancellationApprove: true,
        limit: 2,
        page_token: queue.paging.nextPageToken,
      }).expect(200),
    ).body;
    expect(next.orders.map((o: { id: number }) => o.id)).toEqual([9102, 9103]);
  });

  it("GET order: Market's own values once its order is read, personal data removed; stand-ins before", async () => {
    const read = conforms(getOrder, await get('/v2/campaigns/21/orders/9105').expect(200)).body.order;
    expect(read).toMatchObject({
      id: 9105,
      itemsTotal: 2490.5,
      paymentMethod: 'YANDEX',
      taxSystem: 'USN_MINUS_COST',
      buyer: { type: 'PERSON' },
    });
    expect(read.delivery.address).toEqual({ country: 'Россия', postcode: '119021', city: 'Москва' });
    const stored = JSON.stringify(
      (await stack.pool.query(`SELECT data FROM event_store.events WHERE stream_id = 'marketplace_order-21-9105'`))
        .rows,
    );
    for (const value of PERSONAL_VALUES) {
      expect(JSON.stringify(read)).not.toContain(value);
      expect(stored).not.toContain(value);
    }
    const notified = conforms(getOrder, await get('/v2/campaigns/21/orders/9104').expect(200)).body.order;
    expect(notified).toMatchObject({
      id: 9104,
      status: 'PROCESSING',
      substatus: 'STARTED',
      creationDate: '01-03-2026 00:30:00',
      paymentType: 'UNKNOWN',
      cancelRequested: false,
      items: [
        { id: 1, offerId: 'sku-7', offerName: 'sku-7', count: 3, price: 0, buyerPrice: 0, buyerPriceBeforeDiscount: 0 },
      ],
    });
    conforms(getOrder, await get('/v2/campaigns/21/orders/9999').expect(404));
  });

  it('PUT cancellation/accept: every body Market describes as valid is taken, and answered EmptyApiResponse', async () => {
    const bodies = [
      { accepted: true },
      { accepted: true, reason: 'ORDER_IN_DELIVERY' },
      { accepted: false, reason: 'ORDER_DELIVERED' },
      { accepted: false, reason: 'ORDER_IN_DELIVERY' },
    ];
    for (const [i, body] of bodies.entries()) {
      await pendingRequest(app, 9200 + i, t0);
      bodyConforms(accept, body);
      const res = conforms(
        accept,
        await app
          .http()
          .put(decisionPath(9200 + i))
          .set('Api-Key', stack.keys.c21)
          .send(body)
          .expect(200),
      );
      expect(res.body).toEqual({ status: 'OK' });
    }
  });

  it("answers requests Market's schema refuses, and rules it states in prose, with 400 in its ApiErrorResponse", async () => {
    await pendingRequest(app, 9300, t0);
    for (const body of [
      {},
      { accepted: 'true' },
      { accepted: 1 },
      { accepted: null },
      { accepted: true, reason: 'FOO' },
      { accepted: false, reason: 42 },
    ]) {
      bodyConforms(accept, body, false);
      conforms(accept, await app.http().put(decisionPath(9300)).set('Api-Key', stack.keys.c21).send(body).expect(400));
    }
    bodyConforms(accept, { accepted: false }); // valid to the schema; the reason is required in Market's prose
    conforms(
      accept,
      await app.http().put(decisionPath(9300)).set('Api-Key', stack.keys.c21).send({ accepted: false }).expect(400),
    );
    for (const query of [
      { limit: 51 },
      { page: 10_001 },
      { status: ['TELEPORTED'] },
      { orderIds: Array.from({ length: 51 }, (_, i) => i + 1) },
      { fromDate: 'yesterday' },
      { fake: 'maybe' },
    ]) {
      queryConforms(getOrders, query, false);
      conforms(getOrders, await orders(query).expect(400));
    }
    for (const query of ['colour=red', 'fromDate=2026-01-01&toDate=2026-03-01', 'pageToken=forged'])
      conforms(getOrders, await get(`/v2/campaigns/21/orders?${query}`).expect(400));
    // A state precondition is Market's 400 too: the order is already cancelled.
    await app.http().put(decisionPath(9300)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(200);
    conforms(
      accept,
      await app.http().put(decisionPath(9300)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(400),
    );
    conforms(
      accept,
      await app
        .http()
        .put('/v2/campaigns/21/orders/x/cancellation/accept')
        .set('Api-Key', stack.keys.c21)
        .send({ accepted: true })
        .expect(400),
    );
  });

  it("answers credentials, other campaigns, unknown orders and Market's limits with 401, 403, 404 and 420 in Market's shapes", async () => {
    for (const operation of [getOrders, getOrder, accept]) {
      const path = operation.path.replace('{campaignId}', '21').replace('{orderId}', '9101');
      const call = (key?: string) => {
        const req = operation.method === 'PUT' ? app.http().put(path).send({ accepted: true }) : app.http().get(path);
        return key === undefined ? req : req.set('Api-Key', key);
      };
      conforms(operation, await call().expect(401));
      conforms(operation, await call('a-key-nobody-was-given').expect(403));
      conforms(operation, await call(stack.keys.c22).expect(403));
    }
    conforms(
      accept,
      await app.http().put(decisionPath(9999)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(404),
    );
    const expires = new Date(Date.parse(t0) + 60_000);
    for (const [resource, n] of [
      ['getOrders', 6],
      ['acceptOrderCancellation', 4],
    ] as const) {
      for (let i = 0; i < n; i++) {
        await stack.pool.query(
          `INSERT INTO in_flight_requests (token, campaign_id, resource, expires_at) VALUES (gen_random_uuid(), '21', $1, $2)`,
          [resource, expires],
        );
      }
    }
    const limited = conforms(getOrders, await orders().expect(420));
    expect(limited.headers['retry-after']).toBe('1');
    conforms(
      accept,
      await app.http().put(decisionPath(9101)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(420),
    );
    await stack.pool.query(`DELETE FROM in_flight_requests`);
  });

  it('takes every notification example of the reference as shown (and typed as its schema), and answers each as the reference says', async () => {
    const { notifications } = api;
    const send = (body: unknown) =>
      app
        .http()
        .post('/notification')
        .send(body as object);
    const answered = (res: Response, what: string): void => {
      const validate = res.status === 200 ? notifications.response : notifications.errorResponse;
      check(
        'responses',
        [200, 400, 403, 500].includes(res.status) && validate(res.body),
        `notification answer ${what} ${res.status}`,
        () => describeAjvErrors(validate.errors),
      );
    };
    const bodies = [
      ...notifications.examples.map((e) => ({ what: `${e.dto} as shown`, body: e.body })),
      ...notifications.examples.map((e) => ({
        what: `${e.dto} typed`,
        body: { ...e.body, notificationType: e.notificationType },
      })),
      ...notifications.requestExamples.map((body, i) => ({ what: `request example ${i}`, body })),
      // The same types with an order we can name: stored, then acted on.
      { what: 'status update', body: statusUpdated(9400, 'DELIVERY', '2026-03-01T09:00:00Z') },
      { what: 'cancellation request', body: cancellationRequested(9400, t0) },
      {
        what: 'order created',
        body: {
          notificationType: 'ORDER_CREATED',
          campaignId: 21,
          orderId: 9401,
          createdAt: t0,
          items: [{ offerId: 's', count: 1 }],
        },
      },
      {
        what: 'order cancelled',
        body: {
          notificationType: 'ORDER_CANCELLED',
          campaignId: 21,
          orderId: 9401,
          cancelledAt: '2026-03-01T11:00:00Z',
          items: [],
        },
      },
    ];
    for (const { what, body } of bodies) {
      const verdict = notifications.check(body);
      check('notifications', verdict.ok, what, () => (verdict.ok ? [] : [...verdict.problems]));
      answered(await send(body).expect(200), what);
    }
    answered(await send(cancellationRequested(9400, t0)).expect(400), 'duplicate');
    answered(
      await send({
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        campaignId: 21,
        orderId: 9402,
        createdAt: t0,
      }).expect(400),
      'wrong event',
    );
    expect(await app.notifications.drain()).toBe(4);
  });

  it('counted every check: requests and responses held against Market, failures 0', () => {
    const summary = `Market conformance: ${counts.requests} requests, ${counts.responses} responses, ${counts.notifications} notification examples checked; failures: ${counts.failures.length}`;
    // The count is the spec's record: printed for the run's log, asserted so a spec that checks nothing fails.
    process.stdout.write(`\n${summary}\n${counts.failures.map((f) => `  ${f}`).join('\n')}\n`);
    expect(counts.failures).toEqual([]);
    expect(counts.requests).toBeGreaterThanOrEqual(45);
    expect(counts.responses).toBeGreaterThanOrEqual(90);
    expect(counts.notifications).toBeGreaterThanOrEqual(38);
  });
});
