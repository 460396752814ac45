import { eventually, order, useCourierTracking } from './courier-app';

// The real stack on a shared 2-core machine: waits on read models and Kafka take longer than jest's 5 s default.
jest.setTimeout(60_000);

const orders = (company = 'company-a') => `/api/v1/companies/${company}/orders`;

describe('courier-tracking HTTP: Track & Trace orders', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });

  const create = async (body: Record<string, unknown> = order()) =>
    (await courier.http().post(orders()).set(keyA()).send(body).expect(201)).body;

  it('creates an order with the parsed interval, shows it with history and status_log, and lists it', async () => {
    const body = order({ time_interval: '09:00 - 1.01:00', amount: 1250.5, payment_type: 'cash' });
    const created = await create(body);
    expect(created).toMatchObject({
      // Track & Trace's integer id (the company's sequence), our UUID beside it; a company named otherwise than by
      // an integer keeps its name.
      id: expect.any(Number),
      delivery_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      company_id: 'company-a',
      number: body.number,
      status: 'new',
      customer_name: 'Anna Petrovna Smirnova',
      phone: '+79161234567',
      address: 'Tverskaya street 7, apt 12',
      comments: 'door code 4412',
      time_interval: '09:00 - 1.01:00',
      time_interval_secs: [32400, 90000],
      amount: 1250.5,
      payment_type: 'cash',
      service_duration_s: 600,
      shared_service_duration_s: 0,
      mark_delivered_radius: null,
      eta_type: null,
      history: [{ event: 'ORDER_CREATED', time: expect.stringMatching(/\+03:00$/), timestamp: expect.any(Number) }],
      status_log: [{ status: 'new', timestamp: expect.any(Number) }],
      version: 1,
    });
    expect(created.time_window.start).toMatch(/T09:00:00\+03:00$/);
    const got = await courier.http().get(`${orders()}/${created.id}`).set(keyA()).expect(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body).toEqual(created);
    const listed = await eventually(
      async () => (await courier.http().get(`${orders()}?number=${body.number}`).set(keyA()).expect(200)).body,
      (list) => list.length === 1,
    );
    expect(listed[0]).toMatchObject({ id: created.id, customer_name: 'Anna Petrovna Smirnova' });
  });

  it('patches status, interval and personal data with history items, and honours If-Match', async () => {
    const { delivery_id: id } = await create();
    const patched = await courier
      .http()
      .patch(`${orders()}/${id}`)
      .set(keyA())
      .send({
        status: 'confirmed',
        time_interval: '13-14',
        phone: '+79990001122',
        initiator: 'app',
        status_comment: 'called the client',
      })
      .expect(200);
    expect(patched.body).toMatchObject({
      status: 'confirmed',
      time_interval_secs: [46800, 50400],
      phone: '+79990001122',
      confirmed_at: expect.any(String),
      version: 4,
    });
    expect(patched.body.history.map((h: { event: string }) => h.event)).toEqual([
      'ORDER_CREATED',
      'INTERVAL_UPDATE',
      'STATUS_UPDATE',
    ]);
    expect(patched.body.history[2].source).toEqual({ initiator: 'app' });
    expect(patched.body.order_status_comments).toEqual([{ id: 1, status: 'confirmed', comment: 'called the client' }]);
    const stale = await courier
      .http()
      .patch(`${orders()}/${id}`)
      .set({ ...keyA(), 'If-Match': '"1"' })
      .send({ amount: 5 })
      .expect(409);
    expect(stale.body.errors[0].code).toBe('CONCURRENCY_CONFLICT');
  });

  it('answers bad input with 422 and nothing appended, and state conflicts with 409', async () => {
    const invalid = await courier
      .http()
      .post(orders())
      .set(keyA())
      .send(order({ time_interval: '10:00-00:00' }))
      .expect(422);
    expect(invalid.body.errors.map((e: { code: string }) => e.code)).toContain('INVALID_TIME_INTERVAL');
    const fields = await courier
      .http()
      .post(orders())
      .set(keyA())
      .send({ number: 'x'.repeat(81), lat: 91, payment_type: 'bitcoin' })
      .expect(422);
    expect(fields.body.errors[0].code).toBe('VALIDATION_FAILED');
    expect(fields.body.errors.slice(1).map((e: { field: string; code: string }) => [e.field, e.code])).toEqual(
      expect.arrayContaining([
        ['number', 'FIELD_TOO_LONG'],
        ['lat', 'OUT_OF_RANGE'],
        ['payment_type', 'INVALID_ENUM'],
        ['address', 'REQUIRED_FIELD'],
        ['time_interval', 'REQUIRED_FIELD'],
      ]),
    );
    const yandexPay = await courier
      .http()
      .post(orders())
      .set(keyA())
      .send(order({ payment_type: 'yandex_pay' }))
      .expect(422);
    expect(yandexPay.body.errors[1]).toMatchObject({ code: 'VALUE_NOT_ALLOWED', field: 'payment_type' });
    const { delivery_id: id, number } = await create();
    await courier.http().post(orders()).set(keyA()).send(order({ number })).expect(409);
    const partial = await courier
      .http()
      .patch(`${orders()}/${id}`)
      .set(keyA())
      .send({ status: 'partially_finished' })
      .expect(422);
    expect(partial.body.errors[0].code).toBe('STATUS_NOT_ALLOWED');
    await courier.http().patch(`${orders()}/${id}`).set(keyA()).send({ status: 'cancelled' }).expect(200);
    const terminal = await courier
      .http()
      .patch(`${orders()}/${id}`)
      .set(keyA())
      .send({ status: 'confirmed' })
      .expect(409);
    expect(terminal.body.errors[0].code).toBe('ORDER_IN_TERMINAL_STATE');
    // An id that cannot be an order's names none: 404, as a missing order (the kit's one rule of path ids).
    await courier.http().get(`${orders()}/not-a-uuid`).set(keyA()).expect(404);
    const { rows } = await courier.pool.query(
      `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = $1`,
      [`delivery-${id}`],
    );
    expect(rows[0].n).toBe(2);
  });

  it('answers a retried create (same Idempotency-Key) with the first order, and another body under that key with 409', async () => {
    const body = order();
    const headers = { ...keyA(), 'Idempotency-Key': `create-${body.number}` };
    const first = await courier.http().post(orders()).set(headers).send(body).expect(201);
    const again = await courier.http().post(orders()).set(headers).send(body).expect(201);
    expect(again.body).toEqual(first.body);
    await courier.http().post(orders()).set(headers).send(order()).expect(409);
    const { rows } = await courier.pool.query(
      `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = $1`,
      [`delivery-${first.body.delivery_id}`],
    );
    expect(rows[0].n).toBe(1);
  });

  it('deletes: 200 with the order as it was, then 404 everywhere', async () => {
    const { delivery_id: id } = await create(order({ customer_name: 'Boris Deleted' }));
    const deleted = await courier.http().delete(`${orders()}/${id}`).set(keyA()).expect(200);
    expect(deleted.body).toMatchObject({ delivery_id: id, customer_name: 'Boris Deleted', status: 'new' });
    await courier.http().get(`${orders()}/${id}`).set(keyA()).expect(404);
    await courier.http().delete(`${orders()}/${id}`).set(keyA()).expect(404);
    await courier.http().patch(`${orders()}/${id}`).set(keyA()).send({ status: 'confirmed' }).expect(404);
  });

  it('upserts a batch by number, answering inserted and updated, validating every item first', async () => {
    const existing = await create();
    const fresh = order();
    const res = await courier
      .http()
      .post(`${orders()}-batch`)
      .set(keyA())
      .send([{ ...order({ number: existing.number }), amount: 77 }, fresh])
      .expect(200);
    expect(res.body).toEqual({ inserted: 1, updated: 1 });
    const updated = await courier.http().get(`${orders()}/${existing.id}`).set(keyA()).expect(200);
    expect(updated.body.amount).toBe(77);
    const bad = await courier
      .http()
      .post(`${orders()}-batch`)
      .set(keyA())
      .send([order(), { ...order(), lat: 'north' }])
      .expect(422);
    expect(bad.body.errors.slice(1).map((e: { field: string }) => e.field)).toContain('[1].lat');
    await courier.http().post(`${orders()}-batch`).set(keyA()).send({ orders: [] }).expect(422);
  });

  it('pages the list', async () => {
    const routeId = `r-page-${Date.now()}`;
    await courier
      .http()
      .put(`/api/v1/companies/company-a/routes/${routeId}`)
      .set(keyA())
      .send({ courier_id: 'k-page', date: '2026-03-02' })
      .expect(200);
    for (let i = 0; i < 3; i++) await create(order({ route_id: routeId }));
    const all = await eventually(
      async () => (await courier.http().get(`${orders()}?route_id=${routeId}`).set(keyA()).expect(200)).body,
      (l) => l.length === 3,
    );
    const page2 = await courier.http().get(`${orders()}?route_id=${routeId}&per_page=2&page=2`).set(keyA()).expect(200);
    expect(page2.body.map((o: { id: string }) => o.id)).toEqual([all[2].id]);
    await courier.http().get(`${orders()}?page=0`).set(keyA()).expect(422);
  });

  it('keeps companies apart: 403 on a path naming another company, 404 for its orders', async () => {
    const { delivery_id: id } = await create();
    await courier
      .http()
      .get(`${orders('company-b')}/${id}`)
      .set({ 'Api-Key': courier.keys.companyB })
      .expect(404);
    await courier
      .http()
      .get(`${orders('company-a')}/${id}`)
      .set({ 'Api-Key': courier.keys.companyB })
      .expect(403);
    await courier.http().post(orders('company-a')).set({ 'Api-Key': courier.keys.companyB }).send(order()).expect(403);
    await courier
      .http()
      .delete(`${orders('company-a')}/${id}`)
      .set({ 'Api-Key': courier.keys.companyB })
      .expect(403);
    await courier
      .http()
      .get(`${orders('company-a')}/${id}`)
      .set({ 'Api-Key': courier.keys.operator })
      .expect(200);
    await courier
      .http()
      .get(`${orders('company-a')}/${id}`)
      .expect(401);
  });
});
