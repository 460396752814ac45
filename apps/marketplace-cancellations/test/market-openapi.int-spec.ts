import { createStack, type Instance, type Stack } from './harness';
import { marketDecisionContract, type MarketDecisionContract } from './market-openapi';
import { decisionPath, pendingRequest } from './market-fixtures';

// Waits are on conditions (projections, workers); the bound only stops a hung run on a busy machine.
jest.setTimeout(30_000);

const t0 = '2026-03-01T10:00:00.000Z';

describe("our Market-compatible API against Market's OpenAPI description (ajv)", () => {
  let stack: Stack;
  let api: Instance;
  let contract: MarketDecisionContract;

  beforeAll(async () => {
    contract = marketDecisionContract();
    stack = await createStack();
    api = await stack.start();
  }, 60_000);

  afterAll(() => stack?.drop());

  beforeEach(() => stack.clock.set(t0));

  /** Our answer must fit what Market declares for that status, or Market's error envelope where it declares none. */
  function conforms(status: number, body: unknown): void {
    const validate = contract.declaredStatuses.includes(status) ? contract.response(status) : contract.errorEnvelope;
    const ok = validate(body);
    if (!ok) throw new Error(`a ${status} answer does not fit Market's schema: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`);
    if (status >= 400) expect(body).toMatchObject({ status: 'ERROR' });
  }

  const put = (orderId: number, body: unknown, key = stack.keys.c21, campaignId = 21) =>
    api.http().put(decisionPath(orderId, campaignId)).set('Api-Key', key).send(body as object);

  it('loads the method and its schemas from the licensed subset', () => {
    expect(contract.declaredStatuses).toEqual([200, 400, 401, 403, 404, 420, 500]);
    expect(contract.request({ accepted: false, reason: 'ORDER_DELIVERED' })).toBe(true);
    expect(contract.request({ accepted: 'yes' })).toBe(false);
  });

  it('accepts every request Market describes as valid, and answers 200 in the shape Market declares', async () => {
    const bodies = [{ accepted: true }, { accepted: true, reason: 'ORDER_IN_DELIVERY' }, { accepted: false, reason: 'ORDER_DELIVERED' }, { accepted: false, reason: 'ORDER_IN_DELIVERY' }];
    for (const [i, body] of bodies.entries()) {
      expect(contract.request(body)).toBe(true);
      expect(contract.campaignId(21)).toBe(true);
      expect(contract.orderId(8000 + i)).toBe(true);
      await pendingRequest(stack, api, 8000 + i, t0);
      const res = await put(8000 + i, body).expect(200);
      conforms(200, res.body);
      expect(res.body).toEqual({ status: 'OK' });
    }
  });

  it('refuses every request Market describes as invalid, with the error envelope', async () => {
    const bodies = [{}, { accepted: 'true' }, { accepted: 1 }, { accepted: null }, { accepted: true, reason: 'FOO' }, { accepted: false, reason: 42 }];
    await pendingRequest(stack, api, 8100, t0);
    for (const body of bodies) {
      expect(contract.request(body)).toBe(false);
      const res = await put(8100, body);
      expect([400, 422]).toContain(res.status);
      conforms(res.status, res.body);
    }
  });

  it('adds the rules Market states in prose (reason required on a rejection) and answers them in the envelope', async () => {
    await pendingRequest(stack, api, 8200, t0);
    expect(contract.request({ accepted: false })).toBe(true); // the schema cannot say "required when false"
    const res = await put(8200, { accepted: false }).expect(422);
    conforms(422, res.body);
  });

  it("answers 401, 403, 404, 409 and 420 in Market's declared shapes", async () => {
    const unauthorized = await api.http().put(decisionPath(8300)).send({ accepted: true }).expect(401);
    conforms(401, unauthorized.body);
    const forbidden = await put(8300, { accepted: true }, stack.keys.c22).expect(403);
    conforms(403, forbidden.body);
    const notFound = await put(8300, { accepted: true }).expect(404);
    conforms(404, notFound.body);
    await pendingRequest(stack, api, 8301, t0);
    stack.clock.set('2026-03-04T00:00:00.000Z');
    const late = await put(8301, { accepted: true }).expect(409);
    conforms(409, late.body);
    for (let i = 0; i < 4; i++) {
      await stack.pool.query(`INSERT INTO in_flight_requests (token, campaign_id, expires_at) VALUES (gen_random_uuid(), '21', $1)`, [new Date('2026-03-04T00:01:00Z')]);
    }
    const limited = await put(8301, { accepted: true }).expect(420);
    conforms(420, limited.body);
    await stack.pool.query(`DELETE FROM in_flight_requests`);
  });

  it('takes the ids and the queue flag as Market types them', async () => {
    expect(contract.campaignId(0)).toBe(false);
    const zero = await put(1, { accepted: true }, stack.keys.all, 0).expect(422);
    conforms(422, zero.body);
    for (const flag of ['true', 'false']) {
      expect(contract.onlyWaitingForCancellationApprove(flag === 'true')).toBe(true);
      await api.http().get(`/v2/campaigns/21/orders?onlyWaitingForCancellationApprove=${flag}`).set('Api-Key', stack.keys.c21).expect(200);
    }
  });
});
