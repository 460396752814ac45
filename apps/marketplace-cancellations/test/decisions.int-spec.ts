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

  const decide = (orderId: number, body: object, key = stack.keys.c21) =>
    api.http().put(decisionPath(orderId)).set('Api-Key', key).send(body);

  it("opens a request on ORDER_CANCELLATION_REQUEST: in Market's queue, and in ours with its deadline and the time left", async () => {
    await pendingRequest(api, 1003, t0);
    stack.clock.set('2026-03-02T10:00:00.000Z');
    const res = await eventually(async () => {
      const r = await api
        .http()
        .get('/v2/campaigns/21/orders?onlyWaitingForCancellationApprove=true')
        .set('Api-Key', stack.keys.reader)
        .expect(200);
      return r.body.orders.some((o: { id: number }) => o.id === 1003) && r;
    }, 'the queue to show order 1003');
    expect(res.body.orders.find((o: { id: number }) => o.id === 1003)).toMatchObject({
      id: 1003,
      status: 'DELIVERY',
      substatus: 'DELIVERY_SERVICE_RECEIVED',
      cancelRequested: true,
    });
    expect(res.body.pager).toMatchObject({ currentPage: 1, pageSize: 50 });
    const ours = await api
      .http()
      .get('/v2/campaigns/21/cancellations/pending')
      .set('Api-Key', stack.keys.reader)
      .expect(200);
    expect(ours.body.requests.find((r: { orderId: number }) => r.orderId === 1003)).toEqual({
      orderId: 1003,
      status: 'DELIVERY',
      substatus: 'DELIVERY_SERVICE_RECEIVED',
      version: 2,
      requestedAt: t0,
      deadlineAt: '2026-03-03T10:00:00.000Z',
      timeLeftSeconds: 86_400,
    });
  });

  it('validates a decision before looking at the order, and answers 400 as Market does (not 422, not 409)', async () => {
    const missing = await decide(999_999, { accepted: false }).expect(400);
    expect(missing.body.errors).toEqual([
      { code: 'VALIDATION_FAILED', message: expect.any(String) },
      { code: 'REASON_REQUIRED', field: 'reason', message: expect.any(String) },
    ]);
    const wrong = await decide(999_999, { accepted: false, reason: 'FOO' }).expect(400);
    expect(wrong.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'INVALID_ENUM', field: 'reason' })]),
    );
    const noAccepted = await decide(999_999, { reason: 'ORDER_DELIVERED' }).expect(400);
    expect(noAccepted.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'REQUIRED_FIELD', field: 'accepted' })]),
    );
    await decide(999_999, { accepted: true, extra: 1 }).expect(400);
    await api
      .http()
      .put('/v2/campaigns/21/orders/abc/cancellation/accept')
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: true })
      .expect(400);
    const unknown = await decide(999_999, { accepted: true }).expect(404);
    expect(unknown.body.errors).toEqual([
      { code: 'NOT_FOUND', message: expect.any(String), details: { resource: 'order', id: '999999' } },
    ]);
  });

  it('rejects with a reason, leaving the status as it was, and records the decision in the history', async () => {
    await pendingRequest(api, 1004, t0);
    stack.clock.set('2026-03-01T12:00:00.000Z');
    const res = await decide(1004, { accepted: false, reason: 'ORDER_DELIVERED' }).expect(200);
    expect(res.body).toEqual({ status: 'OK' });
    await decide(1004, { accepted: false, reason: 'ORDER_DELIVERED' }).expect(200); // the same rejection again: satisfied
    const changed = await decide(1004, { accepted: true }).expect(400);
    expect(changed.body.errors[0].code).toBe('ALREADY_DECIDED');
    const history = await eventually(async () => {
      const r = await api
        .http()
        .get('/v2/campaigns/21/cancellations/decisions')
        .set('Api-Key', stack.keys.c21)
        .expect(200);
      return r.body.decisions.find((d: { orderId: number }) => d.orderId === 1004);
    }, 'the decision in the history');
    expect(history).toEqual({
      orderId: 1004,
      requestedAt: t0,
      deadlineAt: '2026-03-03T10:00:00.000Z',
      state: 'REJECTED',
      reason: 'ORDER_DELIVERED',
      decidedBy: 'shop21',
      decidedAt: '2026-03-01T12:00:00.000Z',
    });
    const order = await eventually(
      () =>
        one<{ status: string }>(
          stack.pool,
          `SELECT status FROM marketplace_orders WHERE order_id = '1004' AND version = 3`,
        ),
      'the projected rejection',
    );
    expect(order.status).toBe('DELIVERY');
  });

  it('accepts: the order is cancelled, and later decisions meet a terminal order', async () => {
    await pendingRequest(api, 1005, t0);
    await decide(1005, { accepted: true, reason: 'ORDER_IN_DELIVERY' }).expect(200);
    const again = await decide(1005, { accepted: false, reason: 'ORDER_DELIVERED' }).expect(400);
    expect(again.body.errors[0].code).toBe('ORDER_IN_TERMINAL_STATE');
  });

  it('refuses a decision at the deadline itself with 400 CANCELLATION_DEADLINE_PASSED', async () => {
    await pendingRequest(api, 1006, t0);
    stack.clock.set('2026-03-03T10:00:00.000Z');
    const late = await decide(1006, { accepted: true }).expect(400);
    expect(late.body.errors[0].code).toBe('CANCELLATION_DEADLINE_PASSED');
  });

  it('cancels at once when the buyer cancels while PROCESSING', async () => {
    await notify(api, statusUpdated(1007, 'PROCESSING', '2026-03-01T08:00:00Z'));
    await notify(api, { ...cancellationRequested(1007, t0) });
    await api.notifications.drain();
    const events = await stack.pool.query(
      `SELECT type FROM event_store.events WHERE stream_id = 'marketplace_order-21-1007' ORDER BY stream_version`,
    );
    expect(events.rows.map((r) => r.type)).toEqual([
      'MarketplaceOrderSynced',
      'OrderCancelledByBuyerWhileProcessing',
      'MarketplaceOrderCancelled',
    ]);
  });

  it('lets one of two racing decisions win at one version', async () => {
    await pendingRequest(api, 1008, t0);
    const [a, b] = await Promise.all([
      api.http().put(decisionPath(1008)).set('Api-Key', stack.keys.c21).set('If-Match', '2').send({ accepted: true }),
      api
        .http()
        .put(decisionPath(1008))
        .set('Api-Key', stack.keys.c21)
        .set('If-Match', '2')
        .send({ accepted: false, reason: 'ORDER_DELIVERED' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    expect([a, b].find((r) => r.status === 400)?.body.errors[0].code).toBe('CONCURRENCY_CONFLICT');
    const decided = await stack.pool.query(
      `SELECT type FROM event_store.events WHERE stream_id = 'marketplace_order-21-1008' AND type IN ('CancellationAccepted', 'CancellationRejected')`,
    );
    expect(decided.rowCount).toBe(1);

    await pendingRequest(api, 1009, t0);
    const unpinned = await Promise.all([
      decide(1009, { accepted: true }),
      decide(1009, { accepted: false, reason: 'ORDER_DELIVERED' }),
    ]);
    expect(unpinned.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(['ORDER_IN_TERMINAL_STATE', 'ALREADY_DECIDED']).toContain(
      unpinned.find((r) => r.status === 400)?.body.errors[0].code,
    );
  });

  it('replays a retried decision with the same Idempotency-Key and refuses the key with another body', async () => {
    await pendingRequest(api, 1010, t0);
    const send = (body: object) =>
      api.http().put(decisionPath(1010)).set('Api-Key', stack.keys.c21).set('Idempotency-Key', 'k-1010').send(body);
    await send({ accepted: true }).expect(200);
    await send({ accepted: true }).expect(200);
    const reused = await send({ accepted: false, reason: 'ORDER_DELIVERED' }).expect(400);
    expect(reused.body.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("refuses another campaign's paths (403) in both directions, and credentials as Market does: none 401, wrong 403", async () => {
    await pendingRequest(api, 1011, t0);
    const denied = await decide(1011, { accepted: true }, stack.keys.c22).expect(403);
    expect(denied.body.errors[0].code).toBe('FORBIDDEN');
    await api.http().get('/v2/campaigns/21/orders').set('Api-Key', stack.keys.c22).expect(403);
    await api.http().get('/v2/campaigns/22/orders').set('Api-Key', stack.keys.c21).expect(403);
    await api.http().get('/v2/campaigns/22/orders').set('Api-Key', stack.keys.c22).expect(200);
    await api.http().put(decisionPath(1011)).set('Api-Key', stack.keys.reader).send({ accepted: true }).expect(403);
    await api.http().put(decisionPath(1011)).send({ accepted: true }).expect(401);
    const wrongKey = await api
      .http()
      .put(decisionPath(1011))
      .set('Api-Key', 'not-a-key-we-know-of')
      .send({ accepted: true })
      .expect(403);
    expect(wrongKey.body).toEqual({
      status: 'ERROR',
      errors: [{ code: 'FORBIDDEN', message: 'the API key is not valid' }],
      request_id: expect.any(String),
    });
    await api.http().get('/v2/campaigns/21/orders').set('Authorization', 'Bearer not-a-key-we-know-of').expect(403);
    // Our own routes keep our conventions: a wrong key is 401 there.
    await api.http().get('/v2/campaigns/21/cancellations/pending').set('Api-Key', 'not-a-key-we-know-of').expect(401);
  });

  it('answers unknown and bad list parameters with 400, on our own routes with our 400 and 422', async () => {
    const unknown = await api
      .http()
      .get('/v2/campaigns/21/orders?colour=red')
      .set('Api-Key', stack.keys.c21)
      .expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'UNKNOWN_PARAMETER', field: 'colour' });
    const bad = await api
      .http()
      .get('/v2/campaigns/21/orders?limit=500&onlyWaitingForCancellationApprove=yes')
      .set('Api-Key', stack.keys.c21)
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'limit',
      'onlyWaitingForCancellationApprove',
    ]);
    await api
      .http()
      .get('/v2/campaigns/21/cancellations/pending?status=DELIVERY')
      .set('Api-Key', stack.keys.c21)
      .expect(400);
    const ours = await api
      .http()
      .get('/v2/campaigns/21/cancellations/decisions?pageSize=500')
      .set('Api-Key', stack.keys.c21)
      .expect(422);
    expect(ours.body.errors.slice(1).map((e: { field: string }) => e.field)).toEqual(['pageSize']);
  });
});
