import { courierPositionsReportedV1, encodeMessage } from '@orders/contracts';
import { uuidv7 } from '@orders/event-store';
import type { Producer } from 'kafkajs';
import { CourierTestApp, databaseUrl, order, startCourierTracking, useCourierTracking } from './courier-app';
import { kafka } from './kafka-helpers';

// Issue 16 item 4: a delivery added to (or moved onto) a route takes part in detection from the next point on, in
// this process (HTTP and Kafka), across processes (the event log), and a point that came first is evaluated once the
// membership is known. Every repetition creates the order and pushes a point at its door at once; misses are counted
// over all repetitions and waited for on a condition, never a fixed sleep.
jest.setTimeout(120_000);

const REPETITIONS = 100;
const CROSS_PROCESS_REPETITIONS = 40;
const company = '/api/v1/companies/company-a';
const START_S = Date.parse('2026-03-02T08:00:00Z') / 1000;
const METRES_PER_DEGREE = 111_195;
/** Stops 3 km apart (a street of 100 per 0.1° of longitude): the courier at one door is outside every other radius. */
const door = (index: number) => ({
  lat: 55 + ((index % 100) * 3000) / METRES_PER_DEGREE,
  lon: 37 + Math.floor(index / 100) * 0.1,
});
const far = { lat: 54.9, lon: 36.9 };
const point = (at: { lat: number; lon: number }, timestamp: number) => ({ accuracy: 5, point: at, timestamp });

/** Deliveries (of `ids`) with a CourierArrived in the log, read behind the API. */
async function arrived(app: CourierTestApp, ids: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await app.pool.query<{ id: string; courier: string }>(
    `SELECT lower(substr(stream_id, 10)) AS id, data->>'courier_id' AS courier FROM event_store.events
      WHERE type = 'CourierArrived' AND stream_id = ANY($1)`,
    [ids.map((id) => `delivery-${id}`)],
  );
  return new Map(rows.map((row) => [row.id, row.courier]));
}

/** Every courier that arrived at the delivery, in log order. */
async function arrivals(app: CourierTestApp, id: string): Promise<string[]> {
  const { rows } = await app.pool.query<{ courier: string }>(
    `SELECT data->>'courier_id' AS courier FROM event_store.events
      WHERE type = 'CourierArrived' AND stream_id = $1 ORDER BY global_position`,
    [`delivery-${id}`],
  );
  return rows.map((row) => row.courier);
}

async function missed(app: CourierTestApp, ids: readonly string[], timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await arrived(app, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const versionOf = async (app: CourierTestApp, id: string): Promise<number> =>
  (
    await app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = $1', [
      `delivery-${id}`,
    ])
  ).rows[0].n;

describe('courier-tracking: route membership without a refresh interval', () => {
  const courier = useCourierTracking({ kafka: true });
  const key = () => ({ 'Api-Key': courier.keys.companyA });
  let clock = START_S;
  const push = (app: CourierTestApp, courierId: string, routeId: string, at: { lat: number; lon: number }) =>
    app
      .http()
      .post(`/api/v1/couriers/${courierId}/routes/${routeId}/push-positions-v3`)
      .set(key())
      .send({ positions: [point(at, (clock += 5))] })
      .expect(200);
  const route = (routeId: string, courierId: string) =>
    courier
      .http()
      .put(`${company}/routes/${routeId}`)
      .set(key())
      .send({ courier_id: courierId, date: '2026-03-02' })
      .expect(200);
  const create = async (app: CourierTestApp, routeId: string, index: number): Promise<string> =>
    (
      await app
        .http()
        .post(`${company}/orders`)
        .set(key())
        .send(order({ route_id: routeId, ...door(index) }))
        .expect(201)
    ).body.delivery_id;

  it(`detects the arrival at a delivery created just before the point, ${REPETITIONS} times over HTTP: no miss`, async () => {
    await route('r-http', 'k-http');
    await push(courier, 'k-http', 'r-http', far); // the courier is already driving: the route is watched
    const ids: string[] = [];
    for (let index = 0; index < REPETITIONS; index++) {
      const id = await create(courier, 'r-http', index);
      ids.push(id);
      await push(courier, 'k-http', 'r-http', door(index));
    }
    const misses = await missed(courier, ids);
    expect({ misses: misses.length, of: REPETITIONS }).toEqual({ misses: 0, of: REPETITIONS });
  });

  it(`detects it when the point comes on courier.positions.v1, ${REPETITIONS} times: no miss`, async () => {
    const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const topic = `${courier.topicPrefix}courier.positions.v1`;
    const send = async (at: { lat: number; lon: number }) => {
      const payload = {
        tenantId: 'company-a',
        courierId: 'k-kafka',
        routeId: 'r-kafka',
        positions: [point(at, (clock += 5))],
      };
      const encoded = encodeMessage(courierPositionsReportedV1, payload, {
        eventId: uuidv7(),
        occurredAt: new Date().toISOString(),
      });
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: encoded.key, value: encoded.value, headers: encoded.headers }],
      });
    };
    try {
      await route('r-kafka', 'k-kafka');
      await send(far);
      const ids: string[] = [];
      for (let index = 0; index < REPETITIONS; index++) {
        ids.push(await create(courier, 'r-kafka', 1000 + index));
        await send(door(1000 + index));
      }
      const misses = await missed(courier, ids, 20_000);
      expect({ misses: misses.length, of: REPETITIONS }).toEqual({ misses: 0, of: REPETITIONS });
    } finally {
      await producer.disconnect();
    }
  });

  it('detects a delivery moved from route A to route B on B from the next point, and no longer on A', async () => {
    await route('r-move-a', 'k-move-a');
    await route('r-move-b', 'k-move-b');
    await push(courier, 'k-move-a', 'r-move-a', far);
    await push(courier, 'k-move-b', 'r-move-b', far);
    const id = await create(courier, 'r-move-a', 2000);
    await courier.http().patch(`${company}/orders/${id}`).set(key()).send({ route_id: 'r-move-b' }).expect(200);
    await push(courier, 'k-move-a', 'r-move-a', door(2000)); // the old route's courier passes by: not its stop any more
    await push(courier, 'k-move-b', 'r-move-b', door(2000));
    expect(await missed(courier, [id])).toEqual([]);
    expect(await arrivals(courier, id)).toEqual(['k-move-b']);
  });

  it('appends nothing for a PATCH or a batch upsert repeating the stored values', async () => {
    const body = order({ route_id: 'r-http', ...door(3000), refined_lat: 55.1, refined_lon: 37.1 });
    const { delivery_id: id } = (await courier.http().post(`${company}/orders`).set(key()).send(body).expect(201)).body;
    const before = await versionOf(courier, id);
    const { number: _number, ...patch } = body;
    await courier.http().patch(`${company}/orders/${id}`).set(key()).send(patch).expect(200);
    await courier.http().post(`${company}/orders-batch`).set(key()).send([body]).expect(200);
    await courier.http().post(`${company}/orders-batch`).set(key()).send([body]).expect(200);
    expect(await versionOf(courier, id)).toBe(before);
    // A real change still records which fields changed, and only those.
    await courier
      .http()
      .patch(`${company}/orders/${id}`)
      .set(key())
      .send({ ...patch, phone: '+79160000000' })
      .expect(200);
    const { rows } = await courier.pool.query<{ data: { fields: string[] } }>(
      `SELECT data FROM event_store.events WHERE stream_id = $1 AND type = 'PersonalDataChanged'`,
      [`delivery-${id}`],
    );
    expect(rows.map((row) => row.data.fields)).toEqual([['phone']]);
  });

  describe('across processes', () => {
    let second: CourierTestApp | undefined;
    beforeAll(async () => {
      // A second instance on the same database, sharing keys: orders are made on one, positions pushed to the other.
      second = await startCourierTracking({
        COURIER_DATABASE_URL: databaseUrl(courier.database),
        API_KEYS: `dispatcher-a:${courier.keys.companyA}:company-a`,
        TOPIC_PREFIX: `${courier.topicPrefix}second.`,
      });
    }, 60_000);
    afterAll(async () => second?.close());

    it(`detects on the other instance a delivery created on this one, ${CROSS_PROCESS_REPETITIONS} times: no miss`, async () => {
      if (!second) throw new Error('the second instance did not start');
      const other = second;
      await route('r-cross', 'k-cross');
      await push(other, 'k-cross', 'r-cross', far);
      const ids: string[] = [];
      for (let index = 0; index < CROSS_PROCESS_REPETITIONS; index++) {
        ids.push(await create(courier, 'r-cross', 4000 + index));
        await push(other, 'k-cross', 'r-cross', door(4000 + index));
      }
      const misses = await missed(courier, ids);
      expect({ misses: misses.length, of: CROSS_PROCESS_REPETITIONS }).toEqual({
        misses: 0,
        of: CROSS_PROCESS_REPETITIONS,
      });
    });

    it('moves a delivery between routes the other instance watches: detected on the new route only', async () => {
      if (!second) throw new Error('the second instance did not start');
      const other = second;
      await route('r-xmove-a', 'k-xmove-a');
      await route('r-xmove-b', 'k-xmove-b');
      const id = await create(courier, 'r-xmove-a', 5000);
      await push(other, 'k-xmove-a', 'r-xmove-a', far);
      await push(other, 'k-xmove-b', 'r-xmove-b', far);
      await courier.http().patch(`${company}/orders/${id}`).set(key()).send({ route_id: 'r-xmove-b' }).expect(200);
      await push(other, 'k-xmove-b', 'r-xmove-b', door(5000));
      expect(await missed(courier, [id])).toEqual([]);
      await push(other, 'k-xmove-a', 'r-xmove-a', door(5000));
      expect(await arrivals(courier, id)).toEqual(['k-xmove-b']);
    });

    it('leaves no subscription row of an instance that stopped (each instance tails the log under its own name)', async () => {
      const rows = async () =>
        (
          await courier.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM event_store.subscriptions WHERE name LIKE 'courier-route-membership:%'`,
          )
        ).rows[0].n;
      expect(await rows()).toBe(2);
      await second?.close();
      second = undefined;
      expect(await rows()).toBe(1);
    });
  });
});
