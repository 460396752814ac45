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
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });
  const tag = randomBytes(5).toString('hex');
  const secrets = {
    customer_name: `Zinaida Erasable ${tag}`, phone: `+7999${parseInt(tag, 16) % 10_000_000}`, address: `Erasure lane ${tag}, flat 9`,
    comments: `leave at the door ${tag}`, patchedPhone: `+7888${parseInt(tag, 16) % 10_000_000}`,
  };
  // Coordinates locate the customer's home: sealed like the address. Distinctive values, so a search finds only them.
  const point = { lat: 55.123457, lon: 37.654321, refined_lat: 55.123461, refined_lon: 37.654329 };
  const searched = [...Object.values(secrets), ...Object.values(point).map(String)];

  /** Every row of every table of the service's database, as text, that contains one of the values. */
  async function rowsContainingSecrets(): Promise<string[]> {
    const { rows: tables } = await courier.pool.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
    const found: string[] = [];
    for (const { name } of tables) {
      for (const value of searched) {
        const { rows } = await courier.pool.query(`SELECT count(*)::int AS n FROM ${name} t WHERE t::text LIKE '%' || $1 || '%'`, [value]);
        if (rows[0].n > 0) found.push(`${name}: ${value}`);
      }
    }
    return found;
  }

  it('leaves no name, phone, address, comment or coordinate in the database, a replay or the topic', async () => {
    const { customer_name, phone, address, comments } = secrets;
    const { lat, lon, refined_lat, refined_lon } = point;
    const created = await courier.http().post(`${company}/orders`).set(keyA()).send(order({ customer_name, phone, address, comments, lat, lon })).expect(201);
    const id = created.body.id;
    const kept = (await courier.http().post(`${company}/orders`).set(keyA()).send(order()).expect(201)).body.id;
    await courier.http().patch(`${company}/orders/${id}`).set({ ...keyA(), 'Idempotency-Key': `patch-${tag}` }).send({ phone: secrets.patchedPhone, refined_lat, refined_lon, status: 'confirmed' }).expect(200);
    await courier.http().post(`${company}/orders/${id}/delivered`).set(keyA()).send({ actual_delivered_at: '2026-03-02T08:10:00Z' }).expect(200);
    await eventually(async () => (await courier.pool.query('SELECT 1 FROM delivery_details WHERE delivery_id = $1', [id])).rowCount, (n) => n === 1);
    // Before: the values are there, sealed (the vault holds ciphertext only) and shown by the API.
    expect(await rowsContainingSecrets()).toEqual([]);
    const shown = { customer_name, phone: secrets.patchedPhone, address, comments, ...point };
    expect((await courier.http().get(`${company}/orders/${id}`).set(keyA())).body).toMatchObject(shown);
    expect((await courier.http().get(`${company}/orders`).set(keyA()).query({ number: created.body.number })).body).toMatchObject([{ id, ...shown }]);

    const deleted = await courier.http().delete(`${company}/orders/${id}`).set(keyA()).expect(200);
    expect(deleted.body).toMatchObject({ id, ...shown, status: 'finished' });
    await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(404);

    const vault = courier.app.get(PersonalDataVault);
    expect(await vault.open(id)).toBeUndefined();
    expect(await vault.isErased(id)).toBe(true);
    await eventually(async () => (await courier.pool.query('SELECT 1 FROM delivery_details WHERE delivery_id = $1', [id])).rowCount, (n) => n === 0);

    // A replay of the whole log rebuilds the read models without the order and without its personal data.
    const store = courier.app.get(EventStore);
    const before = await store.subscriptionStatus(READ_MODELS_SUBSCRIPTION);
    await courier.app.get(ReadModelsProjection).rebuild();
    const caughtUp = before?.checkpoint ?? START;
    await eventually(async () => (await store.subscriptionStatus(READ_MODELS_SUBSCRIPTION))?.checkpoint ?? START, (now) => compareCheckpoints(now, caughtUp) >= 0);
    expect((await courier.pool.query('SELECT delivery_id FROM delivery_details')).rows).toEqual([{ delivery_id: kept }]);
    const log = JSON.stringify(await store.readStream(`delivery-${id}`));
    for (const value of searched) expect(log).not.toContain(value);
    expect(await rowsContainingSecrets()).toEqual([]);

    const published = await readTopic(`${courier.topicPrefix}courier.delivery-events.v1`, (m) => m.some((x) => x.key === id && x.headers['event-type'] === 'DeliveryErased'));
    expect(published.filter((m) => m.key === id).map((m) => m.headers['event-type'])).toEqual(['DeliveryCreated', 'DeliveryStatusChanged', 'DeliveryFinished', 'DeliveryErased']);
    const everything = JSON.stringify(published);
    for (const value of searched) expect(everything).not.toContain(value);
  }, 60_000);
});
