import { randomBytes } from 'node:crypto';
import { EventStore, START, compareCheckpoints } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { READ_MODELS_SUBSCRIPTION, ReadModelsProjection } from '../src/read-models/read-models.projection';
import { eventually, order, useCourierTracking } from './courier-app';
import { readTopic } from './kafka-helpers';

// The real stack on a shared 2-core machine: waits on read models and Kafka take longer than jest's 5 s default.
jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';

describe('courier-tracking erasure: delete destroys the personal data for good', () => {
  const courier = useCourierTracking({ kafka: true });

  /** Replays the whole log into the read models from scratch and waits until the rebuild caught up. */
  const rebuildReadModels = async (): Promise<EventStore> => {
    const store = courier.app.get(EventStore);
    const caughtUp = (await store.subscriptionStatus(READ_MODELS_SUBSCRIPTION))?.checkpoint ?? START;
    await courier.app.get(ReadModelsProjection).rebuild();
    await eventually(
      async () => (await store.subscriptionStatus(READ_MODELS_SUBSCRIPTION))?.checkpoint ?? START,
      (now) => compareCheckpoints(now, caughtUp) >= 0,
    );
    return store;
  };
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });
  const tag = randomBytes(5).toString('hex');
  const secrets = {
    customer_name: `Zinaida Erasable ${tag}`,
    phone: `+7999${parseInt(tag, 16) % 10_000_000}`,
    address: `Erasure lane ${tag}, flat 9`,
    comments: `leave at the door ${tag}`,
    patchedPhone: `+7888${parseInt(tag, 16) % 10_000_000}`,
  };
  // Coordinates locate the customer's home: sealed like the address. Distinctive values, so a search finds only them.
  const point = { lat: 55.123457, lon: 37.654321, refined_lat: 55.123461, refined_lon: 37.654329 };
  const searched = [...Object.values(secrets), ...Object.values(point).map(String)];

  /** Every row of every table of the service's database, as text, that contains one of the values. */
  async function rowsContainingSecrets(values: readonly string[] = searched): Promise<string[]> {
    const { rows: tables } = await courier.pool.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    const found: string[] = [];
    for (const { name } of tables) {
      for (const value of values) {
        const { rows } = await courier.pool.query(
          `SELECT count(*)::int AS n FROM ${name} t WHERE t::text LIKE '%' || $1 || '%'`,
          [value],
        );
        if (rows[0].n > 0) found.push(`${name}: ${value}`);
      }
    }
    return found;
  }

  it('leaves no name, phone, address, comment or coordinate in the database, a replay or the topic', async () => {
    const { customer_name, phone, address, comments } = secrets;
    const { lat, lon, refined_lat, refined_lon } = point;
    const created = await courier
      .http()
      .post(`${company}/orders`)
      .set(keyA())
      .send(order({ customer_name, phone, address, comments, lat, lon }))
      .expect(201);
    const id = created.body.delivery_id;
    const kept = (await courier.http().post(`${company}/orders`).set(keyA()).send(order()).expect(201)).body
      .delivery_id;
    await courier
      .http()
      .patch(`${company}/orders/${id}`)
      .set({ ...keyA(), 'Idempotency-Key': `patch-${tag}` })
      .send({ phone: secrets.patchedPhone, refined_lat, refined_lon, status: 'confirmed' })
      .expect(200);
    await courier
      .http()
      .post(`${company}/orders/${id}/delivered`)
      .set(keyA())
      .send({ actual_delivered_at: '2026-03-02T08:10:00Z' })
      .expect(200);
    await eventually(
      async () => (await courier.pool.query('SELECT 1 FROM delivery_details WHERE delivery_id = $1', [id])).rowCount,
      (n) => n === 1,
    );
    // Before: the values are there, sealed (the vault holds ciphertext only) and shown by the API.
    expect(await rowsContainingSecrets()).toEqual([]);
    const shown = { customer_name, phone: secrets.patchedPhone, address, comments, ...point };
    expect((await courier.http().get(`${company}/orders/${id}`).set(keyA())).body).toMatchObject(shown);
    expect(
      (await courier.http().get(`${company}/orders`).set(keyA()).query({ number: created.body.number })).body,
    ).toMatchObject([{ delivery_id: id, ...shown }]);

    const deleted = await courier.http().delete(`${company}/orders/${id}`).set(keyA()).expect(200);
    expect(deleted.body).toMatchObject({ delivery_id: id, ...shown, status: 'finished' });
    await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(404);

    const vault = courier.app.get(PersonalDataVault);
    expect(await vault.open(id)).toBeUndefined();
    expect(await vault.isErased(id)).toBe(true);
    await eventually(
      async () => (await courier.pool.query('SELECT 1 FROM delivery_details WHERE delivery_id = $1', [id])).rowCount,
      (n) => n === 0,
    );

    // A replay of the whole log rebuilds the read models without the order and without its personal data.
    const store = await rebuildReadModels();
    expect((await courier.pool.query('SELECT delivery_id FROM delivery_details')).rows).toEqual([
      { delivery_id: kept },
    ]);
    const log = JSON.stringify(await store.readStream(`delivery-${id}`));
    for (const value of searched) expect(log).not.toContain(value);
    expect(await rowsContainingSecrets()).toEqual([]);

    const published = await readTopic(`${courier.topicPrefix}courier.delivery-events.v1`, (m) =>
      m.some((x) => x.key === id && x.headers['event-type'] === 'DeliveryErased'),
    );
    expect(published.filter((m) => m.key === id).map((m) => m.headers['event-type'])).toEqual([
      'DeliveryCreated',
      'DeliveryStatusChanged',
      'DeliveryFinished',
      'DeliveryErased',
    ]);
    const everything = JSON.stringify(published);
    for (const value of searched) expect(everything).not.toContain(value);
  }, 60_000);

  it('leaves no courier position at the door (arrival, visit, automatic finish, departure) in the database, a replay or the topic', async () => {
    // The courier's points near the door locate the customer's home as precisely as its coordinates: distinctive
    // values within the radius (a few metres from the door), and the departure just outside it.
    const door = { lat: 55.234561, lon: 37.765431 };
    const WINDOW_START_S = Date.parse('2026-03-02T08:00:00Z') / 1000;
    const at = {
      arrival: { lat: 55.2346137, lon: 37.7654731 },
      visit: { lat: 55.2345893, lon: 37.7654127 },
      departure: { lat: 55.2401739, lon: 37.7658361 },
    };
    const courierPoints = Object.values(at).flatMap((p) => [String(p.lat), String(p.lon)]);
    const pushed = (offsetS: number, point: { lat: number; lon: number }) => ({
      accuracy: 5,
      point,
      timestamp: WINDOW_START_S + offsetS,
    });

    await courier
      .http()
      .put(`${company}/settings`)
      .set(keyA())
      .send({ mark_delivered_enabled: true, mark_delivered_radius: 100 })
      .expect(200);
    await courier
      .http()
      .put(`${company}/routes/r-erase-${tag}`)
      .set(keyA())
      .send({ courier_id: `k-erase-${tag}`, date: '2026-03-02' })
      .expect(200);
    const created = await courier
      .http()
      .post(`${company}/orders`)
      .set(keyA())
      .send(order({ route_id: `r-erase-${tag}`, ...door, service_duration_s: 120 }))
      .expect(201);
    const id = created.body.delivery_id;
    await eventually(
      async () => (await courier.http().get(`${company}/routes/r-erase-${tag}`).set(keyA()).expect(200)).body,
      (r) => r.deliveries.length === 1,
    );
    await courier
      .http()
      .post(`/api/v1/couriers/k-erase-${tag}/routes/r-erase-${tag}/push-positions-v3`)
      .set(keyA())
      .send({ positions: [pushed(0, at.arrival), pushed(90, at.visit), pushed(200, at.departure)] })
      .expect(200);

    // While the order exists the API shows where the courier was, as Track & Trace does.
    const shown = (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
    expect(shown.status).toBe('finished');
    const iso = (offsetS: number) => new Date((WINDOW_START_S + offsetS) * 1000).toISOString();
    expect(
      shown.history
        .filter((h: { position?: object }) => h.position)
        .map((h: { event: string; position: object }) => [h.event, h.position]),
    ).toEqual([
      ['ARRIVAL', { ...at.arrival, time: iso(0) }],
      ['ORDER_VISIT', { ...at.visit, time: iso(90) }],
      ['DEPARTURE', { ...at.departure, time: iso(200) }],
    ]);
    expect(shown.status_log).toEqual([
      { status: 'new', timestamp: expect.any(Number) },
      { status: 'finished', timestamp: WINDOW_START_S + 90, point: at.visit },
    ]);
    await eventually(
      async () =>
        (await courier.pool.query('SELECT version FROM delivery_details WHERE delivery_id = $1', [id])).rows[0]
          ?.version,
      (version) => version === shown.version,
    );
    // The decision queue holds a point only until it is applied.
    await eventually(
      async () => (await courier.pool.query('SELECT count(*)::int AS n FROM courier_position_decisions')).rows[0].n,
      (n) => n === 0,
    );
    // Even before erasure no table holds the numbers: events and read models hold tokens sealed with the order's key.
    expect(await rowsContainingSecrets(courierPoints)).toEqual([]);

    await courier.http().delete(`${company}/orders/${id}`).set(keyA()).expect(200);
    await eventually(
      async () => (await courier.pool.query('SELECT 1 FROM delivery_details WHERE delivery_id = $1', [id])).rowCount,
      (n) => n === 0,
    );

    const store = await rebuildReadModels();
    const log = JSON.stringify(await store.readStream(`delivery-${id}`));
    for (const value of courierPoints) expect(log).not.toContain(value);
    expect(await rowsContainingSecrets(courierPoints)).toEqual([]);

    const published = await readTopic(`${courier.topicPrefix}courier.delivery-events.v1`, (m) =>
      m.some((x) => x.key === id && x.headers['event-type'] === 'DeliveryErased'),
    );
    const everything = JSON.stringify(published);
    for (const value of courierPoints) expect(everything).not.toContain(value);
  }, 60_000);
});
