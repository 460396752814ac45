import { EventStore, START, compareCheckpoints } from '@orders/event-store';
import { READ_MODELS_SUBSCRIPTION, ReadModelsProjection } from '../src/read-models/read-models.projection';
import { eventually, order, useCourierTracking } from './courier-app';

jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';

describe('courier-tracking read models', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });

  const rowsOf = async () => ({
    details: (
      await courier.pool.query(
        'SELECT delivery_id, company_id, number, route_id, status, version, view FROM delivery_details ORDER BY delivery_id',
      )
    ).rows,
    routes: (await courier.pool.query('SELECT * FROM courier_route_deliveries ORDER BY route_id, delivery_id')).rows,
  });

  async function caughtUp(): Promise<void> {
    const store = courier.app.get(EventStore);
    const head = (await store.readAll({ after: START, limit: 100_000 })).checkpoint;
    await eventually(
      async () => (await store.subscriptionStatus(READ_MODELS_SUBSCRIPTION))?.checkpoint ?? START,
      (at) => compareCheckpoints(at, head) >= 0,
    );
  }

  it('builds the same rows live, batch by batch, as a rebuild does in one pass (route moves and deletes included)', async () => {
    for (const route of ['r-rm-1', 'r-rm-2']) {
      await courier
        .http()
        .put(`${company}/routes/${route}`)
        .set(keyA())
        .send({ courier_id: `k-${route}`, date: '2026-03-02' })
        .expect(200);
    }
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        (
          await courier
            .http()
            .post(`${company}/orders`)
            .set(keyA())
            .send(order({ route_id: i % 2 === 0 ? 'r-rm-1' : 'r-rm-2' }))
            .expect(201)
        ).body.delivery_id,
      );
    }
    await courier.http().patch(`${company}/orders/${ids[0]}`).set(keyA()).send({ route_id: 'r-rm-2' }).expect(200); // moved
    await courier.http().patch(`${company}/orders/${ids[1]}`).set(keyA()).send({ status: 'confirmed' }).expect(200);
    await courier.http().delete(`${company}/orders/${ids[2]}`).set(keyA()).expect(200);
    await caughtUp();
    const live = await rowsOf();
    expect(live.details.map((row) => row.delivery_id).sort()).toEqual([ids[0], ids[1], ids[3], ids[4], ids[5]].sort());
    // the moved delivery has one route row, on its new route
    expect(live.routes.filter((row) => row.delivery_id === ids[0]).map((row) => row.route_id)).toEqual(['r-rm-2']);
    expect(live.routes.filter((row) => row.delivery_id === ids[1]).map((row) => row.status)).toEqual(['confirmed']);

    await courier.app.get(ReadModelsProjection).rebuild();
    await caughtUp();
    expect(await rowsOf()).toEqual(live);
  });
});
