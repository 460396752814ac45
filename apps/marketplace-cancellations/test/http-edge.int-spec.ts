import { COMMAND_HEADER_FAULTS, headerFaultBody, UNREPRESENTABLE_PATH_IDS } from '@orders/service-kit/testing';
import { createStack, one, type Instance, type Stack } from './harness';
import { decisionPath, pendingRequest } from './market-fixtures';

// The real app on a shared 2-core machine: its first requests take longer than jest's 5 s default.
jest.setTimeout(30_000);

/** The HTTP edge every service shares (apps/README.md): header rules and NOT_FOUND, as marketplace-cancellations answers. */
describe('marketplace-cancellations HTTP edge', () => {
  let stack: Stack;
  let api: Instance;
  const t0 = '2026-03-01T10:00:00.000Z';

  beforeAll(async () => {
    stack = await createStack();
    api = await stack.start();
  }, 60_000);
  afterAll(() => stack?.drop());

  const decided = `SELECT count(*)::int AS n FROM event_store.events
    WHERE stream_id = $1 AND type IN ('CancellationAccepted', 'CancellationRejected')`;
  const decisions = async (orderId: number) =>
    (await one<{ n: number }>(stack.pool, decided, [`marketplace_order-21-${orderId}`]))?.n;

  // The decision is the one mutating route of ours that takes the command headers (POST /notification is Market's:
  // it carries none). It answers their faults with the one body, at Market's 400 instead of 422.
  it('answers each command-header fault on the decision with the one body at 400, and decides nothing', async () => {
    await pendingRequest(api, 7001, t0);
    for (const fault of COMMAND_HEADER_FAULTS) {
      const res = await api
        .http()
        .put(decisionPath(7001))
        .set('Api-Key', stack.keys.c21)
        .set(fault.headers)
        .send({ accepted: true });
      expect({ fault: fault.name, status: res.status, body: res.body }).toEqual({
        fault: fault.name,
        status: 400,
        body: headerFaultBody(fault.field, fault.code),
      });
    }
    expect(await decisions(7001)).toBe(0);
  });

  it('takes a key of 128 characters, scoped to its principal', async () => {
    await pendingRequest(api, 7002, t0);
    const key = 'k'.repeat(128);
    const decide = () => api.http().put(decisionPath(7002)).set({ 'Api-Key': stack.keys.c21, 'Idempotency-Key': key });
    await decide().send({ accepted: true }).expect(200);
    await decide().send({ accepted: true }).expect(200);
    expect(
      await one(
        stack.pool,
        `SELECT idempotency_key FROM event_store.idempotency_keys WHERE idempotency_key LIKE '%' || $1`,
        [key],
      ),
    ).toEqual({ idempotency_key: `shop21:${key}` });
    expect(await decisions(7002)).toBe(1);
  });

  it('answers an unknown order with 404 NOT_FOUND and the resource in details', async () => {
    const res = await api
      .http()
      .put(decisionPath(7999))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: true })
      .expect(404);
    expect(res.body).toEqual({
      status: 'ERROR',
      errors: [{ code: 'NOT_FOUND', message: expect.any(String), details: { resource: 'order', id: '7999' } }],
      request_id: expect.any(String),
    });
  });

  it("answers our own routes' campaign id by the platform's rule, Market's operations as Market", async () => {
    const all = { 'Api-Key': stack.keys.all };
    for (const route of ['decisions', 'pending']) {
      const ours = (campaign: string) => api.http().get(`/v2/campaigns/${campaign}/cancellations/${route}`).set(all);
      const wrong = await ours('abc').expect(404);
      expect(wrong.body.errors).toEqual([
        { code: 'NOT_FOUND', message: 'no campaign abc', details: { resource: 'campaign', id: 'abc' } },
      ]);
      await ours('0').expect(404);
      for (const broken of UNREPRESENTABLE_PATH_IDS) await ours(broken).expect(400);
      await ours('21').expect(200);
    }
    // The Market operation on the same path keeps Market's answer to a malformed campaign id (400, not our 404).
    const market = await api.http().get('/v2/campaigns/abc/orders').set(all);
    expect(market.status).toBe(400);
    expect(JSON.stringify(market.body)).not.toContain('"resource":"campaign"');
  });
});
