import { createStack, eventually, one, type Instance, type Stack } from './harness';
import { cancellationRequested, decisionPath, notify, pendingRequest, statusUpdated } from './market-fixtures';

// Waits are on conditions (projections, workers); the bound only stops a hung run on a busy machine.
jest.setTimeout(30_000);

describe('marketplace cancellations over HTTP (real PostgreSQL)', () => {
  let stack: Stack;
  let api: Instance;
  const t0 = '2026-03-01T10:00:00.000Z';

  beforeAll(async () => {
    stack = await createStack();
    api = await stack.start();
  }, 60_000);

  afterAll(() => stack?.drop());

  beforeEach(() => stack.clock.set(t0));

  const decide = (orderId: number, body: object, key = stack.keys.c21) => api.http().put(decisionPath(orderId)).set('Api-Key', key).send(body);

  it('stores a notification before answering, ignores its duplicates, and answers PING at once', async () => {
    const ping = await api.http().post('/notification').set('Api-Key', stack.keys.all).send({ notificationType: 'PING', time: t0 }).expect(200);
    expect(ping.body).toEqual({ version: '1.0.0', name: 'marketplace-cancellations', time: t0 });
    const body = statusUpdated(1001, 'DELIVERY', '2026-03-01T09:00:00+03:00');
    await notify(api, stack.keys.all, body);
    await notify(api, stack.keys.all, body);
    await notify(api, stack.keys.all, { ...body, updatedAt: '2026-03-01T06:00:00Z' }); // the same instant, written in UTC
    expect(await one(stack.pool, `SELECT count(*)::int AS n FROM market_notifications WHERE order_id = '1001'`)).toEqual({ n: 1 });
    expect(await api.notifications.drain()).toBe(1);
    expect(await one(stack.pool, `SELECT outcome FROM market_notifications WHERE order_id = '1001'`)).toEqual({ outcome: 'APPLIED' });
  });

  it('keeps the later status when notifications arrive out of order', async () => {
    await notify(api, stack.keys.all, statusUpdated(1002, 'DELIVERY', '2026-03-01T09:30:00Z'));
    await api.notifications.drain();
    await notify(api, stack.keys.all, statusUpdated(1002, 'PROCESSING', '2026-03-01T09:00:00Z'));
    await notify(api, stack.keys.all, statusUpdated(1002, 'SOMETHING_NEW', '2026-03-01T09:10:00Z'));
    await api.notifications.drain();
    const row = await eventually(() => one<{ status: string; version: number }>(stack.pool,
      `SELECT status, version FROM marketplace_orders WHERE campaign_id = '21' AND order_id = '1002'`), 'the projected order');
    expect(row).toEqual({ status: 'DELIVERY', version: 1 });
    const outcomes = await stack.pool.query(`SELECT outcome FROM market_notifications WHERE order_id = '1002' ORDER BY seq`);
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(['APPLIED', 'IGNORED', 'IGNORED']);
  });

  it('answers a malformed notification with 400 naming the fields, and acknowledges types it does not act on', async () => {
    const bad = await api.http().post('/notification').set('Api-Key', stack.keys.all)
      .send({ notificationType: 'ORDER_STATUS_UPDATED', campaignId: 0, orderId: 'x', updatedAt: 'yesterday' }).expect(400);
    expect(bad.body.status).toBe('ERROR');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['campaignId', 'orderId', 'updatedAt', 'status']);
    await api.http().post('/notification').set('Api-Key', stack.keys.all).send({ notificationType: 'CHAT_CREATED', chatId: 5 }).expect(200);
    await api.http().post('/notification').set('Api-Key', stack.keys.all).set('Content-Type', 'application/json').send('[1,').expect(400);
    await api.http().post('/notification').send({ notificationType: 'PING' }).expect(401);
  });

  it('opens a request on ORDER_CANCELLATION_REQUEST and lists it with its deadline and the time left', async () => {
    await pendingRequest(stack, api, 1003, t0);
    stack.clock.set('2026-03-02T10:00:00.000Z');
    const res = await eventually(async () => {
      const r = await api.http().get('/v2/campaigns/21/orders?onlyWaitingForCancellationApprove=true').set('Api-Key', stack.keys.reader).expect(200);
      return r.body.orders.some((o: { id: number }) => o.id === 1003) && r;
    }, 'the queue to show order 1003');
    expect(res.body.orders.find((o: { id: number }) => o.id === 1003)).toEqual({
      id: 1003, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED', version: 2, cancelRequested: true,
      cancellationRequest: { requestedAt: t0, deadlineAt: '2026-03-03T10:00:00.000Z', timeLeftSeconds: 86_400 },
    });
    expect(res.body.pager).toMatchObject({ currentPage: 1, pageSize: 50 });
  });

  it('validates a decision before looking at the order (422 before 409 and 404)', async () => {
    const missing = await decide(999_999, { accepted: false }).expect(422);
    expect(missing.body.errors).toEqual([{ code: 'VALIDATION_FAILED', message: expect.any(String) }, { code: 'REASON_REQUIRED', field: 'reason', message: expect.any(String) }]);
    const wrong = await decide(999_999, { accepted: false, reason: 'FOO' }).expect(422);
    expect(wrong.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'INVALID_ENUM', field: 'reason' })]));
    const noAccepted = await decide(999_999, { reason: 'ORDER_DELIVERED' }).expect(422);
    expect(noAccepted.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'REQUIRED_FIELD', field: 'accepted' })]));
    await decide(999_999, { accepted: true, extra: 1 }).expect(422);
    await api.http().put('/v2/campaigns/21/orders/abc/cancellation/accept').set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(422);
    const unknown = await decide(999_999, { accepted: true }).expect(404);
    expect(unknown.body.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), details: { resource: 'order', id: '999999' } }]);
  });

  it('rejects with a reason, leaving the status as it was, and records the decision in the history', async () => {
    await pendingRequest(stack, api, 1004, t0);
    stack.clock.set('2026-03-01T12:00:00.000Z');
    const res = await decide(1004, { accepted: false, reason: 'ORDER_DELIVERED' }).expect(200);
    expect(res.body).toEqual({ status: 'OK' });
    await decide(1004, { accepted: false, reason: 'ORDER_DELIVERED' }).expect(200); // the same rejection again: satisfied
    const changed = await decide(1004, { accepted: true }).expect(409);
    expect(changed.body.errors[0].code).toBe('ALREADY_DECIDED');
    const history = await eventually(async () => {
      const r = await api.http().get('/v2/campaigns/21/cancellations/decisions').set('Api-Key', stack.keys.c21).expect(200);
      return r.body.decisions.find((d: { orderId: number }) => d.orderId === 1004);
    }, 'the decision in the history');
    expect(history).toEqual({ orderId: 1004, requestedAt: t0, deadlineAt: '2026-03-03T10:00:00.000Z', state: 'REJECTED', reason: 'ORDER_DELIVERED',
      decidedBy: 'shop21', decidedAt: '2026-03-01T12:00:00.000Z' });
    const order = await eventually(() => one<{ status: string }>(stack.pool, `SELECT status FROM marketplace_orders WHERE order_id = '1004' AND version = 3`), 'the projected rejection');
    expect(order.status).toBe('DELIVERY');
  });

  it('accepts: the order is cancelled, and later decisions meet a terminal order', async () => {
    await pendingRequest(stack, api, 1005, t0);
    await decide(1005, { accepted: true, reason: 'ORDER_IN_DELIVERY' }).expect(200);
    const again = await decide(1005, { accepted: false, reason: 'ORDER_DELIVERED' }).expect(409);
    expect(again.body.errors[0].code).toBe('ORDER_IN_TERMINAL_STATE');
  });

  it('refuses a decision at the deadline itself with 409 CANCELLATION_DEADLINE_PASSED', async () => {
    await pendingRequest(stack, api, 1006, t0);
    stack.clock.set('2026-03-03T10:00:00.000Z');
    const late = await decide(1006, { accepted: true }).expect(409);
    expect(late.body.errors[0].code).toBe('CANCELLATION_DEADLINE_PASSED');
  });

  it('cancels at once when the buyer cancels while PROCESSING', async () => {
    await notify(api, stack.keys.all, statusUpdated(1007, 'PROCESSING', '2026-03-01T08:00:00Z'));
    await notify(api, stack.keys.all, { ...cancellationRequested(1007, t0) });
    await api.notifications.drain();
    const events = await stack.pool.query(`SELECT type FROM event_store.events WHERE stream_id = 'marketplace_order-21-1007' ORDER BY stream_version`);
    expect(events.rows.map((r) => r.type)).toEqual(['MarketplaceOrderSynced', 'OrderCancelledByBuyerWhileProcessing', 'MarketplaceOrderCancelled']);
  });

  it('lets one of two racing decisions win at one version', async () => {
    await pendingRequest(stack, api, 1008, t0);
    const [a, b] = await Promise.all([
      api.http().put(decisionPath(1008)).set('Api-Key', stack.keys.c21).set('If-Match', '2').send({ accepted: true }),
      api.http().put(decisionPath(1008)).set('Api-Key', stack.keys.c21).set('If-Match', '2').send({ accepted: false, reason: 'ORDER_DELIVERED' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)?.body.errors[0].code).toBe('CONCURRENCY_CONFLICT');
    const decided = await stack.pool.query(`SELECT type FROM event_store.events WHERE stream_id = 'marketplace_order-21-1008' AND type IN ('CancellationAccepted', 'CancellationRejected')`);
    expect(decided.rowCount).toBe(1);

    await pendingRequest(stack, api, 1009, t0);
    const unpinned = await Promise.all([decide(1009, { accepted: true }), decide(1009, { accepted: false, reason: 'ORDER_DELIVERED' })]);
    expect(unpinned.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(['ORDER_IN_TERMINAL_STATE', 'ALREADY_DECIDED']).toContain(unpinned.find((r) => r.status === 409)?.body.errors[0].code);
  });

  it('replays a retried decision with the same Idempotency-Key and refuses the key with another body', async () => {
    await pendingRequest(stack, api, 1010, t0);
    const send = (body: object) => api.http().put(decisionPath(1010)).set('Api-Key', stack.keys.c21).set('Idempotency-Key', 'k-1010').send(body);
    await send({ accepted: true }).expect(200);
    await send({ accepted: true }).expect(200);
    const reused = await send({ accepted: false, reason: 'ORDER_DELIVERED' }).expect(409);
    expect(reused.body.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("refuses another campaign's paths and notifications (403), in both directions", async () => {
    await pendingRequest(stack, api, 1011, t0);
    const denied = await decide(1011, { accepted: true }, stack.keys.c22).expect(403);
    expect(denied.body.errors[0].code).toBe('FORBIDDEN');
    await api.http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c22).expect(403);
    await api.http().get('/v2/campaigns/22/orders').set('Api-Key', stack.keys.c21).expect(403);
    await api.http().get('/v2/campaigns/22/orders').set('Api-Key', stack.keys.c22).expect(200);
    await notify(api, stack.keys.c22, statusUpdated(1011, 'DELIVERED', '2026-03-01T11:00:00Z'), 403);
    await api.http().put(decisionPath(1011)).set('Api-Key', stack.keys.reader).send({ accepted: true }).expect(403);
    await api.http().put(decisionPath(1011)).send({ accepted: true }).expect(401);
  });

  it('answers unknown and bad list parameters with 400 and 422', async () => {
    const unknown = await api.http().get('/v2/campaigns/21/orders?status=DELIVERY').set('Api-Key', stack.keys.c21).expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'UNKNOWN_PARAMETER', field: 'status' });
    const bad = await api.http().get('/v2/campaigns/21/orders?pageSize=500&onlyWaitingForCancellationApprove=yes').set('Api-Key', stack.keys.c21).expect(422);
    expect(bad.body.errors.slice(1).map((e: { field: string }) => e.field)).toEqual(['onlyWaitingForCancellationApprove', 'pageSize']);
  });
});
