import { uuidv7 } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { PositionDecisions } from '../src/positions/position-decisions';
import { storedCommand } from '../src/positions/stored-decisions';
import { eventually, order, useCourierTracking } from './courier-app';

// The real stack on a shared 2-core machine: waits on read models and Kafka take longer than jest's 5 s default.
jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';
const WINDOW_START_S = Date.parse('2026-03-02T08:00:00Z') / 1000;
const TARGET = { lat: 55.757, lon: 37.615 };
const point = (offsetS: number) => ({ lat: TARGET.lat, lon: TARGET.lon, timestamp: WINDOW_START_S + offsetS });
const settings = {
  mark_delivered_enabled: true,
  mark_delivered_service_time_coefficient: 0.5,
  depot_mark_delivered_radius: null,
  company_mark_delivered_radius: 500,
};

/**
 * Positions' offsets are committed once their decisions are recorded, before they are appended. These specs play
 * the process dying in between: the rows it leaves must be applied when the consumer starts again, exactly once.
 */
describe('position decisions left by a crash', () => {
  // No consumer until the rows are left: one started at boot may run its recovery before they exist (a race).
  const courier = useCourierTracking({ deferMessaging: true });
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });

  /** Without a target: a row recorded before decisions carried one (it is opened from the sealed record then). */
  const leave = (deliveryId: string, points: object[], target: object | undefined = TARGET) =>
    courier.pool.query(
      `INSERT INTO courier_position_decisions (id, company_id, courier_id, route_id, delivery_id, command)
         VALUES ($1, 'company-a', 'k-crash', 'r-crash', $2, $3)`,
      [uuidv7(), deliveryId, JSON.stringify({ type: 'EvaluatePositions', points, settings, target })],
    );

  /** A route of the courier's for the day, and a delivery at TARGET on it: the delivery's id. */
  const deliveryOnRoute = async (routeId: string, courierId: string): Promise<string> => {
    await courier
      .http()
      .put(`${company}/routes/${routeId}`)
      .set(keyA())
      .send({ courier_id: courierId, date: '2026-03-02' })
      .expect(200);
    const created = await courier
      .http()
      .post(`${company}/orders`)
      .set(keyA())
      .send(order({ route_id: routeId, ...TARGET }))
      .expect(201);
    return created.body.delivery_id;
  };

  it('applies them in order when the positions consumer starts, once even where one was already applied', async () => {
    await courier.http().put(`${company}/settings`).set(keyA()).send({ mark_delivered_enabled: true }).expect(200);
    const id = await deliveryOnRoute('r-crash', 'k-crash');
    // Arrival, then visit (service 600 s x 0.5): recorded in that order; the arrival was also recorded twice (a row
    // applied whose delete did not happen before the crash). The visit was recorded by the version before targets.
    const arrival = [point(0)];
    await leave(id, arrival);
    await leave(id, arrival);
    await leave(id, [point(100), point(300)], undefined);

    await courier.kafkaReady(); // starts the consumers now: they recover what the crash left

    const events = await eventually(
      async () =>
        (
          await courier.pool.query(
            `SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
            [`delivery-${id}`],
          )
        ).rows,
      (rows) => rows.some((row) => row.type === 'DeliveryStatusChanged'),
    );
    expect(events.map((row) => row.type)).toEqual([
      'DeliveryCreated',
      'CourierArrived',
      'DeliveryVisited',
      'DeliveryStatusChanged',
      'DeliveryActualTimeSet',
    ]);
    expect(events[3].data).toMatchObject({ to: 'finished', initiator: 'yandex' });
    expect((await courier.pool.query('SELECT count(*)::int AS n FROM courier_position_decisions')).rows[0].n).toBe(0);
  });

  it('answers a position push once its decisions are appended, and leaves no row behind', async () => {
    const id = await deliveryOnRoute('r-push', 'k-push');
    // The detector follows a route's deliveries through the route read model.
    await eventually(
      async () => (await courier.http().get(`${company}/routes/r-push`).set(keyA()).expect(200)).body,
      (r) => r.deliveries.length === 1,
    );
    const positions = [0, 100, 300].map((offset) => ({
      accuracy: 5,
      point: TARGET,
      timestamp: WINDOW_START_S + offset,
    }));
    await courier
      .http()
      .post('/api/v1/couriers/k-push/routes/r-push/push-positions-v3')
      .set(keyA())
      .send({ positions })
      .expect(200);
    const { rows } = await courier.pool.query(
      `SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
      [`delivery-${id}`],
    );
    expect(rows.map((row) => row.type)).toEqual([
      'DeliveryCreated',
      'RouteStarted',
      'DeliveryBecameNext',
      'CourierArrived',
      'DeliveryVisited',
      'DeliveryStatusChanged',
      'DeliveryActualTimeSet',
    ]);
    await eventually(
      async () =>
        (
          await courier.pool.query(`SELECT count(*)::int AS n FROM courier_position_decisions WHERE delivery_id = $1`, [
            id,
          ])
        ).rows[0].n,
      (n) => n === 0,
    );
  });

  it('seals recorded coordinates under the order key: a leftover row is applied, or dropped once erased', async () => {
    await courier
      .http()
      .put(`${company}/routes/r-sealed`)
      .set(keyA())
      .send({ courier_id: 'k-sealed', date: '2026-03-02' })
      .expect(200);
    const create = async () =>
      (
        await courier
          .http()
          .post(`${company}/orders`)
          .set(keyA())
          .send(order({ route_id: 'r-sealed', ...TARGET }))
          .expect(201)
      ).body.delivery_id as string;
    const [kept, erased] = [await create(), await create()];
    const vault = courier.app.get(PersonalDataVault);
    const leaveSealed = async (deliveryId: string) => {
      const command = await storedCommand(
        {
          companyId: 'company-a',
          courierId: 'k-sealed',
          routeId: 'r-sealed',
          deliveryId,
          subjectId: deliveryId,
          command: { type: 'EvaluatePositions', points: [point(0)], settings, target: TARGET },
        },
        (subjectId, value) => vault.sealValue(subjectId, value),
      );
      await courier.pool.query(
        `INSERT INTO courier_position_decisions (id, company_id, courier_id, route_id, delivery_id, command)
           VALUES ($1, 'company-a', 'k-sealed', 'r-sealed', $2, $3)`,
        [uuidv7(), deliveryId, JSON.stringify(command)],
      );
    };
    await leaveSealed(kept);
    await leaveSealed(erased);
    const { rows: recorded } = await courier.pool.query(
      `SELECT command::text AS text FROM courier_position_decisions WHERE route_id = 'r-sealed'`,
    );
    expect(recorded).toHaveLength(2);
    for (const { text } of recorded) expect(text).not.toMatch(/55\.757|37\.615/);
    await courier.http().delete(`${company}/orders/${erased}`).set(keyA()).expect(200);

    // What the positions consumer runs before it consumes (the consumer of this app started in an earlier test).
    await courier.app.get(PositionDecisions).recoverUnapplied();

    const typesOf = async (id: string) =>
      (
        await courier.pool.query(`SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`, [
          `delivery-${id}`,
        ])
      ).rows.map((row) => row.type);
    expect(await typesOf(kept)).toContain('CourierArrived');
    expect(await typesOf(erased)).not.toContain('CourierArrived');
    expect(
      (
        await courier.pool.query(
          `SELECT count(*)::int AS n FROM courier_position_decisions WHERE route_id = 'r-sealed'`,
        )
      ).rows[0].n,
    ).toBe(0);
  });
});
