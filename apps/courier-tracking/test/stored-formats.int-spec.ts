import { randomUUID } from 'node:crypto';
import { EventStore, type RecordedEvent } from '@orders/event-store';
import { deliveryEventMessage } from '../src/publishing/delivery-events.mapper';
import { DeliveryCommands } from '../src/deliveries/delivery-commands';
import { eventually, order, useCourierTracking } from './courier-app';

// Delivery events as schema version 1 stored them (money as a float of rubles; before that, coordinates in clear)
// appended directly, beside an order made through the API today: a load folds both to the same state, and the API,
// the read model and the public contract show the same amounts.

jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';
const PAID_AT = '2026-03-02T08:30:00.000Z';

describe('courier-tracking: Delivery events stored in the old format', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });
  const get = async (id: string) => (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
  const stored = async (id: string) => (await courier.pool.query<{ type: string; schema_version: number; data: Record<string, unknown> }>(
    'SELECT type, schema_version, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version', [`delivery-${id}`])).rows;
  const detail = (id: string, version: number) => eventually(
    async () => (await courier.pool.query('SELECT version, view FROM delivery_details WHERE delivery_id = $1', [id])).rows[0],
    (row) => row?.version === version);

  let current: string;
  let old: string;

  beforeAll(async () => {
    // Today: rubles in, kopecks stored, as version 2.
    const body = order({ amount: 1250.5, payment_type: 'cash' });
    current = (await courier.http().post(`${company}/orders`).set(keyA()).send(body).expect(201)).body.delivery_id;
    await courier.http().patch(`${company}/orders/${current}`).set(keyA()).send({ amount: 900.5 }).expect(200);
    await courier.http().post(`${company}/orders/${current}/payment`).set(keyA())
      .send({ payment_type: 'card', amount: 990, paid_at: PAID_AT }).expect(200);

    // The same order as version 1 wrote it before the coordinates were sealed: numbers in clear, no `located`, rubles.
    old = randomUUID();
    const { amount_minor: _minor, located: _located, ...facts } = (await stored(current))[0].data;
    const v1 = [
      {
        type: 'DeliveryCreated',
        data: {
          ...facts, delivery_id: old, pii_ref: old, number: `${facts.number}-old`, amount: 1250.5,
          lat: body.lat, lon: body.lon, refined_lat: null, refined_lon: null,
        },
      },
      { type: 'DeliveryUpdated', data: { changes: { amount: 900.5 }, at: facts.at } },
      { type: 'DeliveryPaid', data: { payment_type: 'card', amount: 990, paid_at: PAID_AT } },
    ];
    await courier.app.get(EventStore).append(`delivery-${old}`, 'no_stream',
      v1.map((event) => ({ ...event, schemaVersion: 1, metadata: { tenantId: 'company-a' } })));
  });

  it('stores new events as version 2 in kopecks, and leaves the old ones as they were written', async () => {
    const amounts = (await stored(current)).map(({ type, schema_version, data }) => [type, schema_version, data.amount_minor ?? data.changes]);
    expect(amounts).toEqual([
      ['DeliveryCreated', 2, 125050], ['DeliveryUpdated', 2, { amount_minor: 90050 }], ['DeliveryPaid', 2, 99000],
    ]);
    const rows = await stored(old);
    expect(rows.map(({ type, schema_version }) => [type, schema_version])).toEqual([['DeliveryCreated', 1], ['DeliveryUpdated', 1], ['DeliveryPaid', 1]]);
    expect(rows[0].data).toMatchObject({ amount: 1250.5, lat: 55.757 });
    expect((await courier.app.get(EventStore).verifyStream(`delivery-${old}`)).ok).toBe(true);
  });

  it('folds the old events to the state the new ones fold to', async () => {
    const commands = courier.app.get(DeliveryCommands);
    const [a, b] = await Promise.all([commands.active(current), commands.active(old)]);
    const comparable = (state: typeof a) => ({ ...state, id: 'x', piiRef: 'x', facts: { ...state.facts, number: 'x' } });
    expect(comparable(b)).toEqual(comparable(a));
    expect(b.facts).toMatchObject({ amount_minor: 90050, located: true, payment_type: 'card', payment_status: 'paid' });
    expect(JSON.stringify(b)).not.toMatch(/"(refined_)?(lat|lon)"|legacy/);
  });

  it('shows the same amounts through the API, the read model and the public contract', async () => {
    const shown = { amount: 900.5, payment_type: 'card', payment_status: 'paid', paid: true, lat: 55.757, lon: 37.615, version: 3 };
    expect(await get(current)).toMatchObject(shown);
    expect(await get(old)).toMatchObject(shown);
    expect(await get(old)).not.toHaveProperty('amount_minor');
    for (const id of [current, old]) expect((await detail(id, 3)).view).toMatchObject({ amount: 900.5, paid: true });
    const created = async (id: string) => (await courier.app.get(EventStore).readStream(`delivery-${id}`))[0] as RecordedEvent;
    for (const id of [current, old]) {
      expect(deliveryEventMessage(await created(id), 'courier.delivery-events.v1')?.value).toMatchObject({ amountMinor: 125050 });
    }
  });

  it('keeps deciding on the old log in kopecks: the same amount in rubles changes nothing, a new one is stored as version 2', async () => {
    await courier.http().patch(`${company}/orders/${old}`).set(keyA()).send({ amount: 900.5 }).expect(200);
    expect(await stored(old)).toHaveLength(3);
    const patched = (await courier.http().patch(`${company}/orders/${old}`).set(keyA()).send({ amount: 12.34 }).expect(200)).body;
    expect(patched).toMatchObject({ amount: 12.34, version: 4 });
    expect((await stored(old))[3]).toMatchObject({ type: 'DeliveryUpdated', schema_version: 2, data: { changes: { amount_minor: 1234 } } });
    expect((await detail(old, 4)).view).toMatchObject({ amount: 12.34 });
  });
});
