import { randomBytes } from 'node:crypto';
import { captureLogs } from '@orders/service-kit/testing';
import { eventually, startCourierTracking, type CourierTestApp } from './courier-app';

// Seed 002 (Track & Trace, "Deletes order") and the reference pages it comes from (domain.md §1.2): requests sent as a
// Track & Trace client sends them, integer ids in paths and bodies, `Authorization: OAuth <token>`, and the position
// push of D-YC-POS with `?apikey=`. The companies are configured by their Track & Trace numbers (105, 106), as an
// integrator moving over would: their ids then read as the reference's integers.

jest.setTimeout(60_000);

/** Seed 002's 200 answer to `DELETE /api/v1/companies/{company_id}/orders/{order_id}`, as the seed prints it. */
const SEED_ORDER = {
  address: 'string',
  amount: 0,
  comments: 'string',
  customer_name: 'string',
  description: 'string',
  lat: 0,
  lon: 0,
  number: 'string',
  customer_number: 'string',
  payment_type: 'cash',
  payment_status: 'paid',
  phone: 'string',
  route_id: 0,
  service_duration_s: 0,
  shared_service_duration_s: 0,
  status: 'string',
  volume: 0,
  weight: 0,
  shared_with_company_ids: [0],
  mark_delivered_radius: null,
  eta_type: null,
  company_id: 0,
  confirmed_at: 'string',
  delivered_at: 'string',
  history: [
    {
      event: 'string',
      timestamp: 0,
      time: '2019-05-27T14:18:52.000Z',
      position: { lat: 0, lon: 0, time: 'string' },
      used_mark_delivered_radius: 0,
      source: { initiator: 'string' },
    },
  ],
  id: 0,
  status_log: [{ point: { lat: 0, lon: 0 }, status: 'string', timestamp: 0 }],
  shared_with_companies: [{ number: 'string', name: 'string', id: 0 }],
  order_status_comments: [{ id: 0, status: 'string', comment: 'string' }],
  refined_lat: 0,
  refined_lon: 0,
  time_interval: 'string',
  time_interval_secs: [0],
  time_window: { start: '2019-03-06T14:15:00.000Z', end: '2019-03-06T14:16:30.000Z' },
};

/** Typed `integer` in the seed's field table (the example prints every number as 0). */
const INTEGERS = new Set([
  'id',
  'company_id',
  'route_id',
  'service_duration_s',
  'shared_service_duration_s',
  'shared_with_company_ids[]',
  'shared_with_companies[].id',
  'order_status_comments[].id',
]);
/** Present only on some items (the seed: "appears only in events ARRIVAL, ORDER_VISIT, DEPARTURE", ...). */
const OPTIONAL = new Set([
  'history[].position',
  'history[].used_mark_delivered_radius',
  'history[].source',
  'status_log[].point',
  'shared_with_companies[].name',
]);

/** Where our answer departs from the seed's model: a missing field, or a value of another JSON type. */
function departures(seed: unknown, ours: unknown, path = ''): string[] {
  if (seed === null) return []; // "Default: null": any value of the field's type, or null
  if (Array.isArray(seed)) {
    if (!Array.isArray(ours)) return [`${path}: not an array`];
    if (ours.length === 0) return [`${path}: empty, nothing to compare`];
    return ours.flatMap((item) => departures(seed[0], item, `${path}[]`));
  }
  if (typeof seed === 'object') {
    if (typeof ours !== 'object' || ours === null) return [`${path}: not an object`];
    return Object.entries(seed).flatMap(([key, value]) => {
      const at = path ? `${path}.${key}` : key;
      if (!(key in ours)) return OPTIONAL.has(at) ? [] : [`${at}: missing`];
      return departures(value, (ours as Record<string, unknown>)[key], at);
    });
  }
  if (typeof ours !== typeof seed) return [`${path}: ${JSON.stringify(ours)} is not a ${typeof seed}`];
  if (INTEGERS.has(path) && !Number.isInteger(ours)) return [`${path}: ${JSON.stringify(ours)} is not an integer`];
  return [];
}

const WINDOW_START_S = Date.parse('2026-03-02T08:00:00Z') / 1000; // 11:00 in Moscow, the route's date
const DOOR = { lat: 55.757, lon: 37.615 };
const at = (offsetS: number) => ({
  accuracy: 5,
  point: DOOR,
  timestamp: WINDOW_START_S + offsetS,
  heading: 90,
  speed: 0,
});

describe('courier-tracking: Track & Trace clients unchanged (seed 002 and its reference)', () => {
  const token = { 105: `tt-${randomBytes(12).toString('hex')}`, 106: `tt-${randomBytes(12).toString('hex')}` };
  let courier: CourierTestApp;
  const oauth = (company: 105 | 106) => ({ Authorization: `OAuth ${token[company]}` });
  const orders = (company: number) => `/api/v1/companies/${company}/orders`;

  beforeAll(async () => {
    courier = await startCourierTracking({ API_KEYS: `tt-105:${token[105]}:105,tt-106:${token[106]}:106` });
  }, 60_000);
  afterAll(async () => courier?.close());

  /** D-YC-CREATE's body, integer ids as the reference types them. */
  const createBody = (number: string) => ({
    number,
    address: 'Moscow, Tverskaya street 7, apt 12',
    lat: DOOR.lat,
    lon: DOOR.lon,
    time_interval: '11:00-12:00',
    customer_name: 'Anna Smirnova',
    phone: '+79161234567',
    comments: 'door code 4412',
    customer_number: 'C-77',
    description: 'two boxes',
    amount: 1250.5,
    payment_type: 'cash',
    payment_status: 'unpaid',
    service_duration_s: 600,
    shared_service_duration_s: 0,
    volume: 0.2,
    weight: 3.5,
    refined_lat: DOOR.lat,
    refined_lon: DOOR.lon,
    route_id: 7,
    shared_with_company_ids: [106],
  });

  it("walks an order from creation to the seed's DELETE: every field of its model, integers where it has integers", async () => {
    await courier
      .http()
      .put('/api/v1/companies/105/settings')
      .set(oauth(105))
      .send({ mark_delivered_enabled: true, mark_delivered_radius: 100, mark_delivered_service_time_coefficient: 0.5 })
      .expect(200);
    const route = await courier
      .http()
      .put('/api/v1/companies/105/routes/7')
      .set(oauth(105))
      .send({ courier_id: 3, date: '2026-03-02' })
      .expect(200);
    expect(route.body).toEqual({ route_id: 7, company_id: 105, courier_id: 3, depot_id: null, date: '2026-03-02' });

    const created = await courier
      .http()
      .post(orders(105))
      .set(oauth(105))
      .send(createBody(`TT-${randomBytes(3).toString('hex')}`))
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      company_id: 105,
      route_id: 7,
      shared_with_company_ids: [106],
    });
    const { id, delivery_id: uuid } = created.body as { id: number; delivery_id: string };
    await courier
      .http()
      .patch(`${orders(105)}/${id}`)
      .set(oauth(105))
      .send({ status: 'confirmed', status_comment: 'agreed by phone' })
      .expect(200);
    await eventually(
      async () => (await courier.http().get('/api/v1/companies/105/routes/7').set(oauth(105)).expect(200)).body,
      (view) => view.deliveries.length === 1,
    );

    // D-YC-POS exactly: the body of its example (all fields, zeros), then the courier's stay at the door.
    const push = (positions: object[]) =>
      courier.http().post(`/api/v1/couriers/3/routes/7/push-positions-v3?apikey=${token[105]}`).send({ positions });
    await push([{ accuracy: 0, point: { lat: 0, lon: 0 }, timestamp: 0, heading: 0, speed: 0 }]).expect(200);
    await push([at(0), at(150), at(300)]).expect(200);

    const deleted = await courier
      .http()
      .delete(`${orders(105)}/${id}`)
      .set(oauth(105))
      .expect(200);
    expect(departures(SEED_ORDER, deleted.body)).toEqual([]);
    expect(deleted.body).toMatchObject({
      id,
      delivery_id: uuid,
      company_id: 105,
      route_id: 7,
      status: 'finished',
      shared_with_company_ids: [106],
      shared_with_companies: [{ number: '106', id: 106 }],
      order_status_comments: [{ id: 1, status: 'confirmed', comment: 'agreed by phone' }],
    });
    expect(deleted.body.history.map((item: { event: string }) => item.event)).toEqual(
      expect.arrayContaining(['ORDER_CREATED', 'STATUS_UPDATE', 'START', 'ARRIVAL', 'ORDER_VISIT']),
    );
    // Seed: the 404 of an object not found; the reference documents no body, so it is ours.
    const gone = await courier
      .http()
      .get(`${orders(105)}/${id}`)
      .set(oauth(105))
      .expect(404);
    expect(gone.body.errors).toEqual([
      { code: 'NOT_FOUND', message: `no delivery ${id}`, details: { resource: 'delivery', id: String(id) } },
    ]);
  });

  it('names an order by its integer or by our UUID, per company, the UUID stable', async () => {
    const number = `TT-${randomBytes(3).toString('hex')}`;
    const first = (
      await courier
        .http()
        .post(orders(106))
        .set(oauth(106))
        .send({ ...createBody(number), route_id: null })
        .expect(201)
    ).body;
    const second = (
      await courier
        .http()
        .post(orders(106))
        .set(oauth(106))
        .send({ ...createBody(`${number}-2`), route_id: null })
        .expect(201)
    ).body;
    // Company 106's own sequence: its first order is 1, whatever company 105 numbered before.
    expect([first.id, second.id]).toEqual([1, 2]);
    const byInteger = (
      await courier
        .http()
        .get(`${orders(106)}/${first.id}`)
        .set(oauth(106))
        .expect(200)
    ).body;
    const byUuid = (
      await courier
        .http()
        .get(`${orders(106)}/${first.delivery_id}`)
        .set(oauth(106))
        .expect(200)
    ).body;
    expect(byInteger).toEqual(byUuid);
    expect(byInteger).toMatchObject({ id: first.id, delivery_id: first.delivery_id, company_id: 106 });
    const patched = (
      await courier
        .http()
        .patch(`${orders(106)}/${first.id}`)
        .set(oauth(106))
        .send({ weight: 4 })
        .expect(200)
    ).body;
    expect(patched).toMatchObject({ id: first.id, delivery_id: first.delivery_id, weight: 4 });
    const listed = (await courier.http().get(orders(106)).query({ number }).set(oauth(106)).expect(200)).body;
    expect(listed).toEqual([expect.objectContaining({ id: first.id, delivery_id: first.delivery_id })]);
    // Company 105's integer 1 (deleted above) and 106's UUID name nothing for 105; 106's path is not 105's to ask.
    await courier
      .http()
      .get(`${orders(105)}/1`)
      .set(oauth(105))
      .expect(404);
    await courier
      .http()
      .get(`${orders(105)}/${first.delivery_id}`)
      .set(oauth(105))
      .expect(404);
    await courier
      .http()
      .get(`${orders(106)}/${first.id}`)
      .set(oauth(105))
      .expect(403);
    await courier
      .http()
      .get(`${orders(106)}/999999`)
      .set(oauth(106))
      .expect(404);
  });

  it('takes route, depot and company ids as integers or strings alike, and numbers over ids (D-YC-CREATE)', async () => {
    await courier
      .http()
      .put('/api/v1/companies/106/routes/8')
      .set(oauth(106))
      .send({ courier_id: '4', date: '2026-03-02' })
      .expect(200);
    const created = await courier
      .http()
      .post(orders(106))
      .set(oauth(106))
      .send({
        ...createBody(`TT-${randomBytes(3).toString('hex')}`),
        route_id: '8',
        shared_with_company_ids: [105],
        shared_with_company_numbers: ['107'],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      route_id: 8,
      shared_with_company_ids: [107],
      shared_with_companies: [{ number: '107', id: 107 }],
    });
    const byRoute = await eventually(
      async () => (await courier.http().get(orders(106)).query({ route_id: 8 }).set(oauth(106)).expect(200)).body,
      (found) => found.length === 1,
    );
    expect(byRoute[0].id).toBe(created.body.id);
    // The reference's 422 for input it cannot take: a negative id is no id.
    await courier
      .http()
      .post(orders(106))
      .set(oauth(106))
      .send({ ...createBody('TT-neg'), route_id: -8 })
      .expect(422);
  });

  it('refuses what the reference refuses: a wrong OAuth token 401, a key in the URL outside the position push', async () => {
    await courier.http().get(orders(105)).set({ Authorization: 'OAuth not-a-token-of-ours' }).expect(401);
    await courier
      .http()
      .get(`${orders(105)}?apikey=${token[105]}`)
      .expect(401);
    await courier
      .http()
      .post(`/api/v1/couriers/3/routes/7/push-positions-v3?apikey=not-a-token-of-ours`)
      .send({ positions: [at(0)] })
      .expect(401);
    // Another company's route, by its key in the URL: 404, as the reference's "No object found".
    await courier
      .http()
      .post(`/api/v1/couriers/3/routes/7/push-positions-v3?apikey=${token[106]}`)
      .send({ positions: [at(0)] })
      .expect(404);
  });

  it('keeps the URL key and the OAuth token out of every log line', async () => {
    const logs = captureLogs();
    try {
      await courier
        .http()
        .post(`/api/v1/couriers/3/routes/7/push-positions-v3?apikey=${token[105]}`)
        .send({ positions: [at(900)] })
        .expect(200);
      await courier
        .http()
        .post(`/api/v1/couriers/3/routes/missing/push-positions-v3?apikey=${token[105]}`)
        .send({ positions: [at(900)] })
        .expect(404);
      await courier
        .http()
        .post(`/api/v1/couriers/3/routes/7/push-positions-v3?apikey=${token[105]}`)
        .send({ positions: [{}] })
        .expect(422);
      await courier.http().get(orders(105)).set(oauth(105)).expect(200);
    } finally {
      logs.restore();
    }
    expect(logs.lines.length).toBeGreaterThanOrEqual(4);
    expect(logs.text()).not.toContain(token[105]);
    expect(logs.text()).toContain('push-positions-v3?apikey=[redacted]');
  });
});
