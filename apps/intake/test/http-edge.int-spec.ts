import {
  answerWithoutId, COMMAND_HEADER_FAULTS, headerFaultBody, UNREPRESENTABLE_PATH_IDS,
} from '@orders/service-kit/testing';
import { startIntake, submission, type IntakeTestApp } from './intake-app';

// The real app on a shared 2-core machine: its first requests take longer than jest's 5 s default.
jest.setTimeout(60_000);

const orders = (company = 'company-a') => `/api/v1/companies/${company}/external-orders`;
const UNKNOWN = '0190a0a0-0000-7000-8000-000000000000';

/** The HTTP edge every service shares (apps/README.md): header rules, NOT_FOUND, no-store; as intake answers. */
describe('intake HTTP edge', () => {
  let intake: IntakeTestApp;
  const keyA = () => ({ 'Api-Key': intake.keys.companyA });
  const submitted = async () => (await intake.http().post(orders()).set(keyA()).send(submission()).expect(201)).body.orderId as string;
  const eventCount = async (orderId: string) =>
    Number((await intake.pool.query(`SELECT count(*) AS n FROM event_store.events WHERE stream_id LIKE '%' || $1`, [orderId])).rows[0].n);

  beforeAll(async () => {
    intake = await startIntake({ INTAKE_LICENSES: 'company-a,company-b' });
  }, 60_000);
  afterAll(async () => intake?.close());

  it('answers each command-header fault with the one 422 body on every mutating route, and appends nothing', async () => {
    const orderId = await submitted();
    const routes = [
      () => intake.http().post(orders()).send(submission()),
      () => intake.http().post(`${orders()}/${orderId}/accept`).send({}),
      () => intake.http().post(`${orders()}/${orderId}/reject`).send({ reasonCode: 'OTHER' }),
      () => intake.http().post('/api/v1/admin/order-board/rebuild'),
    ];
    for (const fault of COMMAND_HEADER_FAULTS) {
      for (const [index, send] of routes.entries()) {
        const res = await send().set({ ...(index === 3 ? { 'Api-Key': intake.keys.operator } : keyA()), ...fault.headers });
        expect({ route: index, fault: fault.name, status: res.status, body: res.body })
          .toEqual({ route: index, fault: fault.name, status: 422, body: headerFaultBody(fault.field, fault.code) });
      }
    }
    expect(await eventCount(orderId)).toBe(1);
  });

  it('takes a key of 128 characters, scoped to its principal', async () => {
    const orderId = await submitted();
    const key = 'k'.repeat(128);
    const first = await intake.http().post(`${orders()}/${orderId}/accept`).set({ ...keyA(), 'Idempotency-Key': key }).send({}).expect(200);
    const retry = await intake.http().post(`${orders()}/${orderId}/accept`).set({ ...keyA(), 'Idempotency-Key': key }).send({}).expect(200);
    expect(retry.body).toEqual(first.body);
    const { rows } = await intake.pool.query(`SELECT idempotency_key FROM event_store.idempotency_keys WHERE idempotency_key LIKE '%' || $1`, [key]);
    expect(rows).toEqual([{ idempotency_key: `desk-a:${key}` }]);
  });

  it('answers what is not there with 404 NOT_FOUND and the resource in details', async () => {
    const notFound = (resource: string, id: string) =>
      ({ status: 'ERROR', errors: [{ code: 'NOT_FOUND', message: expect.any(String), details: { resource, id } }], request_id: expect.any(String) });
    expect((await intake.http().get(`${orders()}/${UNKNOWN}`).set(keyA()).expect(404)).body).toEqual(notFound('order', UNKNOWN));
    expect((await intake.http().post(`${orders()}/${UNKNOWN}/accept`).set(keyA()).send({}).expect(404)).body).toEqual(notFound('order', UNKNOWN));
    expect((await intake.http().get(`${orders()}/not-a-uuid`).set(keyA()).expect(404)).body).toEqual(notFound('order', 'not-a-uuid'));
  });

  it('answers path ids by the one rule: unrepresentable 400, a wrong format 404 exactly as a missing id', async () => {
    const seen = async (send: () => PromiseLike<{ status: number; body: unknown }>, id: string) =>
      answerWithoutId(await send(), id);
    const get = (id: string) => () => intake.http().get(`${orders()}/${id}`).set(keyA());
    const accept = (id: string) => () => intake.http().post(`${orders()}/${id}/accept`).set(keyA()).send({});
    for (const call of [get, accept]) {
      const missing = await seen(call(UNKNOWN), UNKNOWN);
      expect(missing.status).toBe(404);
      for (const wrong of ['not-a-uuid', '12345', `${UNKNOWN}0`])
        expect({ wrong, ...(await seen(call(wrong), wrong)) }).toEqual({ wrong, ...missing });
      for (const broken of UNREPRESENTABLE_PATH_IDS) await call(broken)().expect(400);
    }
    const company = await intake.http().get(orders('no%20such%20company')).set(keyA()).expect(404);
    expect(company.body.errors).toEqual([
      {
        code: 'NOT_FOUND', message: 'no company no such company',
        details: { resource: 'company', id: 'no such company' },
      },
    ]);
    await intake.http().get(orders('company-z')).set(keyA()).expect(403);
  });

  it('marks answers with personal data no-store, errors included', async () => {
    const orderId = await submitted();
    expect((await intake.http().get(`${orders()}/${orderId}`).set(keyA()).expect(200)).headers['cache-control']).toBe('no-store');
    expect((await intake.http().get(orders()).set(keyA()).expect(200)).headers['cache-control']).toBe('no-store');
    expect((await intake.http().post(orders()).set(keyA()).send(submission()).expect(201)).headers['cache-control']).toBe('no-store');
    expect((await intake.http().get(`${orders()}/${UNKNOWN}`).set(keyA()).expect(404)).headers['cache-control']).toBe('no-store');
  });
});
