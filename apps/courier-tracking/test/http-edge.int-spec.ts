import {
  answerWithoutId, COMMAND_HEADER_FAULTS, headerFaultBody, UNREPRESENTABLE_PATH_IDS,
} from '@orders/service-kit/testing';
import { order, useCourierTracking } from './courier-app';

// The real app on a shared 2-core machine: its first requests take longer than jest's 5 s default.
jest.setTimeout(60_000);

const orders = (company = 'company-a') => `/api/v1/companies/${company}/orders`;
const UNKNOWN = '0190a0a0-0000-7000-8000-000000000000';

/** The HTTP edge every service shares (apps/README.md): header rules, NOT_FOUND, no-store; as courier-tracking answers. */
describe('courier-tracking HTTP edge', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });
  const create = async () => (await courier.http().post(orders()).set(keyA()).send(order()).expect(201)).body as { delivery_id: string; version: number };
  const eventCount = async (id: string) =>
    Number((await courier.pool.query(`SELECT count(*) AS n FROM event_store.events WHERE stream_id LIKE '%' || $1`, [id])).rows[0].n);

  it('answers each command-header fault with the one 422 body on every mutating route, and appends nothing', async () => {
    const { delivery_id: id } = await create();
    const routes = [
      () => courier.http().post(orders()).send(order()),
      () => courier.http().patch(`${orders()}/${id}`).send({ amount: 5 }),
      () => courier.http().delete(`${orders()}/${id}`),
      () => courier.http().post(`${orders()}/${id}/delivered`).send({ actual_delivered_at: '2026-03-02T12:00:00Z' }),
      () => courier.http().put('/api/v1/companies/company-a/routes/r-edge').send({ courier_id: 'k-edge', date: '2026-03-02' }),
    ];
    for (const fault of COMMAND_HEADER_FAULTS) {
      for (const [index, send] of routes.entries()) {
        const res = await send().set({ ...keyA(), ...fault.headers });
        expect({ route: index, fault: fault.name, status: res.status, body: res.body })
          .toEqual({ route: index, fault: fault.name, status: 422, body: headerFaultBody(fault.field, fault.code) });
      }
    }
    expect(await eventCount(id)).toBe(1);
  });

  it('scopes an Idempotency-Key to its principal: the operator reusing company A\'s key makes an order of its own', async () => {
    const key = `edge-${Date.now()}`;
    const first = await courier.http().post(orders()).set({ ...keyA(), 'Idempotency-Key': key }).send(order()).expect(201);
    const other = await courier.http().post(orders()).set({ 'Api-Key': courier.keys.operator, 'Idempotency-Key': key }).send(order()).expect(201);
    expect(other.body.delivery_id).not.toBe(first.body.delivery_id);
    await courier.http().post(orders()).set({ ...keyA(), 'Idempotency-Key': 'k'.repeat(128) }).send(order()).expect(201);
  });

  it('answers what is not there with 404 NOT_FOUND and the resource in details', async () => {
    const notFound = (resource: string, id: string) =>
      ({ status: 'ERROR', errors: [{ code: 'NOT_FOUND', message: expect.any(String), details: { resource, id } }], request_id: expect.any(String) });
    expect((await courier.http().get(`${orders()}/${UNKNOWN}`).set(keyA()).expect(404)).body).toEqual(notFound('delivery', UNKNOWN));
    expect((await courier.http().patch(`${orders()}/${UNKNOWN}`).set(keyA()).send({ amount: 1 }).expect(404)).body).toEqual(notFound('delivery', UNKNOWN));
    expect((await courier.http().post(`${orders()}/${UNKNOWN}/undo-delivered`).set(keyA()).expect(404)).body).toEqual(notFound('delivery', UNKNOWN));
    expect((await courier.http().get('/api/v1/companies/company-a/routes/r-none').set(keyA()).expect(404)).body).toEqual(notFound('route', 'r-none'));
    const push = await courier.http().post('/api/v1/couriers/k-none/routes/r-none/push-positions-v3').set(keyA())
      .send({ positions: [{ accuracy: 5, point: { lat: 55.75, lon: 37.61 }, timestamp: 1772442000 }] }).expect(404);
    expect(push.body).toEqual(notFound('route', 'r-none'));
  });

  it('answers path ids by the one rule: unrepresentable 400, a wrong format 404 exactly as a missing id', async () => {
    const get = async (path: string, id: string) => answerWithoutId(await courier.http().get(path).set(keyA()), id);
    const pairs: [string, (id: string) => string, string, string[]][] = [
      ['delivery', (id) => `${orders()}/${id}`, UNKNOWN, ['not-a-uuid', '42x', `${UNKNOWN}0`]],
      ['route', (id) => `/api/v1/companies/company-a/routes/${id}`, 'r-none', ['r%20none', 'r'.repeat(81), 'r%2Fnone']],
      ['company', (id) => `/api/v1/companies/${id}/routes/r-none`, 'company-a', []],
    ];
    for (const [resource, path, missingId, wrongIds] of pairs) {
      const missing = await get(path(missingId), missingId);
      if (resource !== 'company') expect({ resource, status: missing.status }).toEqual({ resource, status: 404 });
      for (const wrong of wrongIds) {
        const decoded = decodeURIComponent(wrong);
        expect({ resource, wrong, ...(await get(path(wrong), decoded)) }).toEqual({ resource, wrong, ...missing });
      }
      for (const broken of UNREPRESENTABLE_PATH_IDS) {
        const res = await courier.http().get(path(broken)).set(keyA()).expect(400);
        expect(res.body.errors).toEqual([{ code: 'BAD_REQUEST', message: expect.stringMatching(/^the path holds/) }]);
      }
    }
    // A company id that no company can have names none (404); a well-formed one the key does not act for, 403.
    const company = await courier.http().get('/api/v1/companies/no%20such%20company/settings').set(keyA()).expect(404);
    expect(company.body.errors).toEqual([
      {
        code: 'NOT_FOUND', message: 'no company no such company',
        details: { resource: 'company', id: 'no such company' },
      },
    ]);
    await courier.http().get('/api/v1/companies/company-z/settings').set(keyA()).expect(403);
  });

  it('marks answers with personal data no-store, errors included', async () => {
    const created = await courier.http().post(orders()).set(keyA()).send(order()).expect(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect((await courier.http().get(`${orders()}/${created.body.delivery_id}`).set(keyA()).expect(200)).headers['cache-control']).toBe('no-store');
    expect((await courier.http().get(orders()).set(keyA()).expect(200)).headers['cache-control']).toBe('no-store');
    expect((await courier.http().get(`${orders()}/${UNKNOWN}`).set(keyA()).expect(404)).headers['cache-control']).toBe('no-store');
  });
});
