import { randomBytes } from 'node:crypto';
import { eventually, order, useCourierTracking } from './courier-app';

// The real app on a shared 2-core machine: longer than jest's 5 s default.
jest.setTimeout(60_000);

const WINDOW_START_S = Date.parse('2026-03-02T08:00:00Z') / 1000; // 11:00 in Moscow
const DOOR = { a: { lat: 55.757, lon: 37.615 }, b: { lat: 55.8, lon: 37.7 } };
const at = (door: { lat: number; lon: number }, offsetS: number) => ({
  accuracy: 5,
  point: door,
  timestamp: WINDOW_START_S + offsetS,
});

/**
 * Issue 14: no answer tells a company whether another one holds an id: it sees exactly what it would see of an id
 * nobody holds. A route is (company, route id), so every company may use any route id; order numbers and depot ids
 * are per company too, and order ids are answered as unknown outside their company, whatever the headers.
 */
describe("courier-tracking tenancy: another company's ids answer as ids nobody holds", () => {
  const courier = useCourierTracking();
  const tag = randomBytes(4).toString('hex');
  const as = (company: 'a' | 'b') => ({
    key: { 'Api-Key': company === 'a' ? courier.keys.companyA : courier.keys.companyB },
    route: (routeId: string) => `/api/v1/companies/company-${company}/routes/${routeId}`,
    orders: `/api/v1/companies/company-${company}/orders`,
  });
  const operator = () => ({ 'Api-Key': courier.keys.operator });
  const body = (courierId: string) => ({ courier_id: courierId, date: '2026-03-02' });
  const push = (courierId: string, routeId: string, key: Record<string, string>, positions: object[], query = '') =>
    courier
      .http()
      .post(`/api/v1/couriers/${courierId}/routes/${routeId}/push-positions-v3${query}`)
      .set(key)
      .send({ positions });
  /** What the caller sees, with the id it asked about taken out: equal answers tell nothing apart. */
  type Answer = {
    status: number;
    body: Record<string, unknown> & { errors?: { message: string; details?: { id?: string } }[] };
  };
  const seen = (response: Answer, routeId: string) =>
    JSON.parse(
      JSON.stringify({ status: response.status, body: response.body })
        .replaceAll(routeId, '<id>')
        .replace(/"request_id":"[^"]*"/, '"request_id":"<request>"'),
    );

  it.each([
    ['a', 'b'],
    ['b', 'a'],
  ] as const)(
    'company %s holds a route: company %s sees it as an id nobody holds, and may take it',
    async (owner, other) => {
      const held = `r-held-${owner}-${tag}`;
      const fresh = `r-fresh-${other}-${tag}`;
      await courier
        .http()
        .put(as(owner).route(held))
        .set(as(owner).key)
        .send(body(`k-${owner}`))
        .expect(200);

      // Reads: the other company's GET and position push answer as for an id nobody holds.
      const get = await courier.http().get(as(other).route(held)).set(as(other).key);
      const getFresh = await courier.http().get(as(other).route(fresh)).set(as(other).key);
      expect(seen(get, held)).toEqual(seen(getFresh, fresh));
      expect(get.status).toBe(404);
      const pushed = await push(`k-${owner}`, held, as(other).key, [at(DOOR.a, 0)]);
      const pushedFresh = await push(`k-${owner}`, fresh, as(other).key, [at(DOOR.a, 0)]);
      expect(seen(pushed, held)).toEqual(seen(pushedFresh, fresh));
      expect(pushed.status).toBe(404);

      // Writes: a PUT of the held id answers as a PUT of a fresh one, and makes the other company's own route.
      const put = await courier
        .http()
        .put(as(other).route(held))
        .set(as(other).key)
        .send(body(`k-${other}`));
      const putFresh = await courier
        .http()
        .put(as(other).route(fresh))
        .set(as(other).key)
        .send(body(`k-${other}`));
      expect(seen(put, held)).toEqual(seen(putFresh, fresh));
      expect(put.status).toBe(200);

      expect((await courier.http().get(as(owner).route(held)).set(as(owner).key).expect(200)).body).toMatchObject({
        route_id: held,
        courier_id: `k-${owner}`,
        deliveries: [],
      });
      expect((await courier.http().get(as(other).route(held)).set(as(other).key).expect(200)).body).toMatchObject({
        route_id: held,
        courier_id: `k-${other}`,
        deliveries: [],
      });
      const { rows } = await courier.pool.query(
        'SELECT company_id, courier_id FROM routes WHERE route_id = $1 ORDER BY company_id',
        [held],
      );
      expect(rows).toEqual([
        { company_id: 'company-a', courier_id: 'k-a' },
        { company_id: 'company-b', courier_id: 'k-b' },
      ]);
    },
  );

  it("keeps two companies' routes of the same id apart: orders, route views, lists and detection", async () => {
    const shared = `r-same-${tag}`;
    // The same route id and even the same courier id in both companies.
    for (const company of ['a', 'b'] as const)
      await courier.http().put(as(company).route(shared)).set(as(company).key).send(body('k-same')).expect(200);
    const created = { a: '', b: '' };
    for (const company of ['a', 'b'] as const) {
      const made = await courier
        .http()
        .post(as(company).orders)
        .set(as(company).key)
        .send(order({ route_id: shared, ...DOOR[company] }))
        .expect(201);
      created[company] = made.body.id;
    }
    for (const company of ['a', 'b'] as const) {
      const view = await eventually(
        async () => (await courier.http().get(as(company).route(shared)).set(as(company).key).expect(200)).body,
        (route) => route.deliveries.length > 0,
      );
      expect(view.deliveries.map((d: { id: string }) => d.id)).toEqual([created[company]]);
      const listed = await courier
        .http()
        .get(`${as(company).orders}?route_id=${shared}`)
        .set(as(company).key)
        .expect(200);
      expect(listed.body.map((o: { id: string }) => o.id)).toEqual([created[company]]);
    }

    // Company A's courier stays at A's door: only A's order sees the arrival and the visit.
    await push('k-same', shared, as('a').key, [at(DOOR.a, 0), at(DOOR.a, 150), at(DOOR.a, 300)]).expect(200);
    const events = async (company: 'a' | 'b') =>
      (
        (
          await courier
            .http()
            .get(`${as(company).orders}/${created[company]}`)
            .set(as(company).key)
            .expect(200)
        ).body.history as { event: string }[]
      ).map((item) => item.event);
    expect(await events('a')).toEqual(['ORDER_CREATED', 'START', 'ORDER_BECAME_NEXT', 'ARRIVAL', 'ORDER_VISIT']);
    expect(await events('b')).toEqual(['ORDER_CREATED']);

    // The same points pushed as B's courier: B's order is not at A's door, and A's order is not on B's route.
    await push('k-same', shared, as('b').key, [at(DOOR.a, 400), at(DOOR.a, 500)]).expect(200);
    expect(await events('b')).toEqual(['ORDER_CREATED', 'START', 'ORDER_BECAME_NEXT']);
    expect(await events('a')).toEqual(['ORDER_CREATED', 'START', 'ORDER_BECAME_NEXT', 'ARRIVAL', 'ORDER_VISIT']);
  });

  it('asks a key acting for both companies which route it pushes for, and takes the answer in company_id', async () => {
    const shared = `r-both-${tag}`;
    for (const company of ['a', 'b'] as const)
      await courier.http().put(as(company).route(shared)).set(as(company).key).send(body('k-both')).expect(200);
    const ambiguous = await push('k-both', shared, operator(), [at(DOOR.b, 0)]).expect(409);
    expect(ambiguous.body.errors).toEqual([expect.objectContaining({ code: 'AMBIGUOUS_ROUTE', field: 'company_id' })]);
    await push('k-both', shared, operator(), [at(DOOR.b, 0)], '?company_id=company-b').expect(200);
    // A company the key does not act for is not searched: company A's key naming B finds nothing.
    await push('k-both', shared, as('a').key, [at(DOOR.b, 0)], '?company_id=company-b').expect(404);
  });

  it("checks the company in the database, not in a cached miss of another company's earlier read", async () => {
    const id = `r-race-${tag}`;
    await courier.http().get(as('b').route(id)).set(as('b').key).expect(404);
    // Written behind this instance's cache, as another instance would: company A's route changes nothing for B.
    await courier.pool.query(
      `INSERT INTO routes (route_id, company_id, courier_id, date) VALUES ($1, 'company-a', 'k-a', '2026-03-02')`,
      [id],
    );
    await courier.http().put(as('b').route(id)).set(as('b').key).send(body('k-b')).expect(200);
    const { rows } = await courier.pool.query(
      'SELECT company_id, courier_id FROM routes WHERE route_id = $1 ORDER BY company_id',
      [id],
    );
    expect(rows).toEqual([
      { company_id: 'company-a', courier_id: 'k-a' },
      { company_id: 'company-b', courier_id: 'k-b' },
    ]);
  });

  it("answers another company's order on every order route exactly as an unknown order, headers and all", async () => {
    const theirs = (await courier.http().post(as('a').orders).set(as('a').key).send(order()).expect(201)).body
      .id as string;
    const unknown = '0190a0a0-0000-7000-8000-00000000b0b0';
    const headers = [{}, { 'If-Match': '"1"' }, { 'If-Match': '"7"', 'Idempotency-Key': `probe-${tag}` }];
    const calls: [string, (id: string) => ReturnType<ReturnType<typeof courier.http>['get']>][] = [
      ['get', (id) => courier.http().get(`${as('b').orders}/${id}`)],
      [
        'patch',
        (id) =>
          courier
            .http()
            .patch(`${as('b').orders}/${id}`)
            .send({ status: 'confirmed' }),
      ],
      ['delete', (id) => courier.http().delete(`${as('b').orders}/${id}`)],
      [
        'delivered',
        (id) =>
          courier
            .http()
            .post(`${as('b').orders}/${id}/delivered`)
            .send({ actual_delivered_at: '2026-03-02T12:00:00Z' }),
      ],
      ['undo', (id) => courier.http().post(`${as('b').orders}/${id}/undo-delivered`)],
      [
        'close',
        (id) =>
          courier
            .http()
            .post(`${as('b').orders}/${id}/close-time`)
            .send({ close_time: null }),
      ],
      [
        'payment',
        (id) =>
          courier
            .http()
            .post(`${as('b').orders}/${id}/payment`)
            .send({ payment_type: 'cash' }),
      ],
    ];
    for (const [name, call] of calls) {
      for (const [index, extra] of headers.entries()) {
        // A fresh key per id: a key reused with another path would be a conflict of B's own making.
        const set = (id: string) => ({
          ...as('b').key,
          ...extra,
          ...('Idempotency-Key' in extra ? { 'Idempotency-Key': `${extra['Idempotency-Key']}-${name}-${id}` } : {}),
        });
        const probed = await call(theirs).set(set(theirs));
        const missing = await call(unknown).set(set(unknown));
        expect({ name, index, ...seen(probed, theirs) }).toEqual({ name, index, ...seen(missing, unknown) });
        expect({ name, index, status: probed.status }).toEqual({ name, index, status: 404 });
      }
    }
    const kept = await courier
      .http()
      .get(`${as('a').orders}/${theirs}`)
      .set(as('a').key)
      .expect(200);
    expect(kept.body).toMatchObject({ status: 'new', version: 1 });
  });

  it('lets each company use any order number and depot id, whatever the other holds', async () => {
    const number = `N-same-${tag}`;
    await courier.http().post(as('a').orders).set(as('a').key).send(order({ number })).expect(201);
    // Neither ORDER_NUMBER_TAKEN nor an update of A's order: B's number is its own.
    await courier.http().post(as('b').orders).set(as('b').key).send(order({ number })).expect(201);
    const batch = await courier
      .http()
      .post(`${as('b').orders.replace('/orders', '/orders-batch')}`)
      .set(as('b').key)
      .send([order({ number: `N-batch-${tag}` })])
      .expect(200);
    expect(batch.body).toEqual({ inserted: 1, updated: 0 });
    const againInA = await courier
      .http()
      .post(`${as('a').orders.replace('/orders', '/orders-batch')}`)
      .set(as('a').key)
      .send([order({ number: `N-batch-${tag}` })])
      .expect(200);
    expect(againInA.body).toEqual({ inserted: 1, updated: 0 });
    for (const company of ['a', 'b'] as const) {
      const depot = await courier
        .http()
        .put(`/api/v1/companies/company-${company}/depots/d-${tag}`)
        .set(as(company).key)
        .send({ name: `depot of ${company}` })
        .expect(200);
      expect(depot.body).toMatchObject({ company_id: `company-${company}`, name: `depot of ${company}` });
    }
  });
});
