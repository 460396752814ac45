import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marketOpenApi } from '@orders/contracts';
import { SimulatedMarket } from './simulated-market';

// The simulator against itself: what it takes and refuses is what Market's description says, its limits and faults
// answer as Market does, and its notifications are the reference's. A local HTTP server plays the shop.

const KEY = 'ACMA:shop-key-21';
let market: SimulatedMarket;
let shop: Server;
const notifications: unknown[] = [];

const call = (method: string, path: string, body?: unknown, key: string | undefined = KEY): Promise<Response> =>
  fetch(`${market.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { 'Api-Key': key } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeEach(async () => {
  notifications.length = 0;
  shop = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      notifications.push(JSON.parse(text));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: '1.0.0', name: 'shop', time: new Date().toISOString() }));
    });
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  market = new SimulatedMarket({
    campaigns: { '21': KEY },
    notificationUrl: `http://127.0.0.1:${(shop.address() as AddressInfo).port}/notification`,
  });
  await market.listen();
});

afterEach(async () => {
  await market.close();
  await new Promise<void>((resolve) => shop.close(() => resolve()));
});

it("notifies as Market's reference documents, and serves the order and the waiting list valid per its schemas", async () => {
  await market.createOrder({ campaignId: 21, orderId: 7, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED' });
  await market.requestCancellation(21, 7);
  expect(notifications.map((n) => (n as { notificationType: string }).notificationType))
    .toEqual(['ORDER_CREATED', 'ORDER_CANCELLATION_REQUEST']);
  for (const n of notifications) expect(marketOpenApi().notifications.check(n)).toMatchObject({ ok: true });

  const one = await call('GET', '/v2/campaigns/21/orders/7');
  expect(one.status).toBe(200);
  expect(market.invalidAnswers).toEqual([]);
  const list = await call('GET', '/v2/campaigns/21/orders?onlyWaitingForCancellationApprove=true&limit=10');
  const page = (await list.json()) as { orders: { id: number; cancelRequested: boolean }[] };
  expect(list.status).toBe(200);
  expect(page.orders.map((o) => [o.id, o.cancelRequested])).toEqual([[7, true]]);
  expect(market.counts()).toEqual({ checked: 2, invalid: 0, invalidAnswers: 0 });
});

it('takes a valid decision once, refuses an invalid body at 400 and counts it, checks the Api-Key', async () => {
  await market.createOrder({ campaignId: 21, orderId: 8, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED' });
  await market.requestCancellation(21, 8);
  expect((await call('PUT', '/v2/campaigns/21/orders/8/cancellation/accept', { accepted: 'yes' })).status).toBe(400);
  expect((await call('PUT', '/v2/campaigns/21/orders/8/cancellation/accept', { accepted: true }, '')).status).toBe(401);
  expect((await call('PUT', '/v2/campaigns/21/orders/8/cancellation/accept', { accepted: true }, 'other')).status).toBe(403);
  expect((await call('GET', '/v2/campaigns/21/orders?unknownParameter=1')).status).toBe(400);
  const ok = await call('PUT', '/v2/campaigns/21/orders/8/cancellation/accept', { accepted: true });
  expect([ok.status, await ok.json()]).toEqual([200, { status: 'OK' }]);
  expect(market.orders.get(21, 8)?.cancellation?.decision).toMatchObject({ accepted: true });
  expect(market.counts()).toMatchObject({ checked: 5, invalid: 2, invalidAnswers: 0 });
});

it('answers 420 with Retry-After when told to and over the hourly limit, and refuses a decision on demand', async () => {
  await market.close();
  market = new SimulatedMarket({ campaigns: { '21': KEY }, limits: { getOrder: { perHour: 2 } } });
  await market.listen();
  await market.createOrder({ campaignId: 21, orderId: 9, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED' },
    { notify: false });
  market.failNext(1, 420, { retryAfterSeconds: 2 });
  const limited = await call('GET', '/v2/campaigns/21/orders/9');
  expect([limited.status, limited.headers.get('retry-after')]).toEqual([420, '2']);
  expect((await call('GET', '/v2/campaigns/21/orders/9')).status).toBe(200);
  expect((await call('GET', '/v2/campaigns/21/orders/9')).status).toBe(200);
  const hourly = await call('GET', '/v2/campaigns/21/orders/9');
  expect(hourly.status).toBe(420);
  expect(((await hourly.json()) as { errors: { code: string }[] }).errors[0].code).toBe('REQUEST_LIMIT_EXCEEDED');

  await market.requestCancellation(21, 9, { notify: false });
  market.refuseDecision(21, 9, 'ORDER_NOT_CANCELLABLE');
  const refused = await call('PUT', '/v2/campaigns/21/orders/9/cancellation/accept', { accepted: true });
  expect(refused.status).toBe(400);
  expect(market.invalidAnswers).toEqual([]);
  expect(market.counts()).toMatchObject({ invalid: 0, invalidAnswers: 0 });
});
