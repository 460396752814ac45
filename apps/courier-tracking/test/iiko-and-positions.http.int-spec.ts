import { EventStore } from '@orders/event-store';
import { eventually, order, useCourierTracking } from './courier-app';

// The real stack on a shared 2-core machine: waits on read models and Kafka take longer than jest's 5 s default.
jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';
const WINDOW_START_S = Date.parse('2026-03-02T08:00:00Z') / 1000; // 11:00 in Moscow
const TARGET = { lat: 55.757, lon: 37.615 };
const north = (metres: number) => ({ lat: TARGET.lat + metres / 111_195, lon: TARGET.lon });
const position = (offsetS: number, metres = 0) => ({
  accuracy: 5,
  point: north(metres),
  timestamp: WINDOW_START_S + offsetS,
});

describe('courier-tracking HTTP: iiko delivered / close / reopen', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });

  const create = async (body = order()) =>
    (await courier.http().post(`${company}/orders`).set(keyA()).send(body).expect(201)).body;
  const op = (id: string, name: string, body: object = {}) =>
    courier.http().post(`${company}/orders/${id}/${name}`).set(keyA()).send(body);

  it('marks delivered with the actual time, refuses close until paid, closes, reopens with null, then undoes', async () => {
    const { delivery_id: id } = await create();
    expect(
      (await op(id, 'close-time', { close_time: '2026-03-02T12:00:00+03:00' }).expect(409)).body.errors[0].code,
    ).toBe('DELIVERY_NOT_DELIVERED');
    const delivered = await op(id, 'delivered', { actual_delivered_at: '2026-03-02T11:20:00+03:00' }).expect(200);
    expect(delivered.body).toMatchObject({ status: 'finished', actual_delivered_at: '2026-03-02T08:20:00.000Z' });
    expect(
      (await op(id, 'close-time', { close_time: '2026-03-02T12:00:00+03:00' }).expect(409)).body.errors[0].code,
    ).toBe('DELIVERY_NOT_PAID');
    await op(id, 'payment', { payment_type: 'card', amount: 990 }).expect(200);
    const closed = await op(id, 'close-time', { close_time: '2026-03-02T12:00:00+03:00' }).expect(200);
    expect(closed.body).toMatchObject({ close_time: '2026-03-02T09:00:00.000Z', paid: true, payment_status: 'paid' });
    expect((await op(id, 'undo-delivered').expect(409)).body.errors[0].code).toBe('DELIVERY_CLOSED');
    const reopened = await op(id, 'close-time', { close_time: null }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'finished', close_time: null });
    const undone = await op(id, 'undo-delivered').expect(200);
    expect(undone.body).toMatchObject({ status: 'confirmed', actual_delivered_at: null });
    expect(undone.body.status_log.map((s: { status: string }) => s.status)).toEqual(['new', 'finished', 'confirmed']);
  });

  it('refuses closing a pickup with 422 and validates the operations', async () => {
    const { delivery_id: id } = await create(order({ service_type: 'pickup' }));
    expect(
      (await op(id, 'close-time', { close_time: '2026-03-02T12:00:00+03:00' }).expect(422)).body.errors[0].code,
    ).toBe('PICKUP_CLOSE_NOT_SUPPORTED');
    await op(id, 'close-time', {}).expect(422);
    await op(id, 'delivered', { actual_delivered_at: 'yesterday' }).expect(422);
    await op(id, 'payment', { payment_type: 'yandex_pay' }).expect(422);
    const paid = await op(id, 'payment', { payment_type: 'cash' }).expect(200);
    expect(paid.body).toMatchObject({ status: 'finished', close_time: expect.any(String) });
  });
});

describe('courier-tracking HTTP: positions until the automatic finish', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });

  const push = (courierId: string, routeId: string, positions: object[], key = courier.keys.companyA) =>
    courier
      .http()
      .post(`/api/v1/couriers/${courierId}/routes/${routeId}/push-positions-v3`)
      .set({ 'Api-Key': key })
      .send({ positions });

  async function routeWithOrder(
    routeId: string,
    courierId: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    await courier
      .http()
      .put(`${company}/routes/${routeId}`)
      .set(keyA())
      .send({ courier_id: courierId, date: '2026-03-02' })
      .expect(200);
    const { delivery_id: id } = (
      await courier
        .http()
        .post(`${company}/orders`)
        .set(keyA())
        .send(order({ route_id: routeId, lat: TARGET.lat, lon: TARGET.lon, ...extra }))
        .expect(201)
    ).body;
    await eventually(
      async () => (await courier.http().get(`${company}/routes/${routeId}`).set(keyA()).expect(200)).body,
      (r) => r.deliveries.length === 1,
    );
    return id;
  }

  it('records arrival and visit without finishing while auto-marking is disabled', async () => {
    const id = await routeWithOrder('r-disabled', 'k-disabled');
    await push('k-disabled', 'r-disabled', [position(0, 20), position(150, 10), position(300, 5)]).expect(200);
    const view = (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
    expect(view.status).toBe('new');
    // The courier's first point started the route, and made its only open stop the next one, before the stay.
    expect(view.history.map((h: { event: string }) => h.event)).toEqual([
      'ORDER_CREATED',
      'START',
      'ORDER_BECAME_NEXT',
      'ARRIVAL',
      'ORDER_VISIT',
    ]);
    expect(view.history[1]).toEqual({ event: 'START', time: '2026-03-02T11:00:00+03:00', timestamp: WINDOW_START_S });
    expect(view.status_log.map((s: { status: string }) => s.status)).toEqual(['new']);
  });

  it('finishes automatically (initiator yandex) once enabled, with the route view following', async () => {
    await courier
      .http()
      .put(`${company}/settings`)
      .set(keyA())
      .send({ mark_delivered_enabled: true, mark_delivered_radius: 100, mark_delivered_service_time_coefficient: 0.5 })
      .expect(200);
    const id = await routeWithOrder('r-auto', 'k-auto', { service_duration_s: 300, shared_service_duration_s: 60 });
    await push('k-auto', 'r-auto', [position(0, 500), position(10, 50), position(100, 40)]).expect(200);
    await push('k-auto', 'r-auto', [position(150, 300)]).expect(200); // left: the stay restarts
    await push('k-auto', 'r-auto', [position(160, 0), position(160, 0), position(300, 0)]).expect(200);
    expect((await courier.http().get(`${company}/orders/${id}`).set(keyA())).body.status).toBe('new');
    await push('k-auto', 'r-auto', [position(340, 0), position(400, 900), position(100, 0)]).expect(200);
    const view = (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
    expect(view).toMatchObject({
      status: 'finished',
      actual_delivered_at: new Date((WINDOW_START_S + 340) * 1000).toISOString(),
    });
    expect(view.history.map((h: { event: string; source?: object }) => [h.event, h.source])).toEqual([
      ['ORDER_CREATED', undefined],
      ['START', undefined],
      ['ORDER_BECAME_NEXT', undefined],
      ['ARRIVAL', undefined],
      ['DEPARTURE', undefined],
      ['ARRIVAL', undefined],
      ['ORDER_VISIT', undefined],
      ['STATUS_UPDATE', { initiator: 'yandex' }],
      ['DEPARTURE', undefined],
    ]);
    expect(view.history[6]).toMatchObject({ used_mark_delivered_radius: 100, position: { lat: TARGET.lat } });
    const route = await eventually(
      async () => (await courier.http().get(`${company}/routes/r-auto`).set(keyA()).expect(200)).body,
      (r) => r.deliveries[0]?.status === 'finished',
    );
    expect(route).toMatchObject({
      courier_id: 'k-auto',
      deliveries: [{ delivery_id: id, status: 'finished', time_window: { start: '2026-03-02T08:00:00.000Z' } }],
    });
  });

  it('detects at the point the sealed record holds: a PATCH of the coordinates moves the target', async () => {
    const id = await routeWithOrder('r-moved', 'k-moved', north(3_000));
    await courier.http().patch(`${company}/orders/${id}`).set(keyA()).send({ lat: TARGET.lat }).expect(200);
    await eventually(
      async () =>
        (await courier.pool.query('SELECT version FROM courier_route_deliveries WHERE delivery_id = $1', [id])).rows[0]
          ?.version,
      (v) => v === 2,
    );
    await push('k-moved', 'r-moved', [position(0, 20)]).expect(200);
    const view = (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
    expect(view).toMatchObject({ lat: TARGET.lat, lon: TARGET.lon });
    expect(view.history.map((h: { event: string }) => h.event)).toEqual([
      'ORDER_CREATED',
      'START',
      'ORDER_BECAME_NEXT',
      'ARRIVAL',
    ]);
  });

  it('makes the next stop in route order ORDER_BECAME_NEXT once the courier visited the one before', async () => {
    await courier
      .http()
      .put(`${company}/routes/r-next`)
      .set(keyA())
      .send({ courier_id: 'k-next', date: '2026-03-02' })
      .expect(200);
    const stop = async (metresNorth: number) =>
      (
        await courier
          .http()
          .post(`${company}/orders`)
          .set(keyA())
          .send(order({ route_id: 'r-next', ...north(metresNorth), service_duration_s: 60 }))
          .expect(201)
      ).body.delivery_id;
    const first = await stop(0);
    const second = await stop(5_000);
    await eventually(
      async () => (await courier.http().get(`${company}/routes/r-next`).set(keyA()).expect(200)).body,
      (r) => r.deliveries.length === 2,
    );
    const events = async (id: string) =>
      (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body.history.map(
        (h: { event: string }) => h.event,
      );
    await push('k-next', 'r-next', [position(0, 2_000)]).expect(200);
    expect(await events(first)).toEqual(['ORDER_CREATED', 'START', 'ORDER_BECAME_NEXT']);
    expect(await events(second)).toEqual(['ORDER_CREATED', 'START']);
    await push('k-next', 'r-next', [position(10, 0), position(100, 0)]).expect(200);
    await push('k-next', 'r-next', [position(400, 2_500)]).expect(200);
    expect(await events(second)).toEqual(['ORDER_CREATED', 'START', 'ORDER_BECAME_NEXT']);
    await push('k-next', 'r-next', [position(500, 2_500)]).expect(200); // once per route
    expect(await events(second)).toEqual(['ORDER_CREATED', 'START', 'ORDER_BECAME_NEXT']);
  });

  it('stores the courier positions sealed, and still folds and shows events written with them in clear', async () => {
    const id = await routeWithOrder('r-old', 'k-old');
    const stream = `delivery-${id}`;
    const store = courier.app.get(EventStore);
    // As the service wrote them before positions were sealed: the numbers in clear.
    const at = (offsetS: number) => new Date((WINDOW_START_S + offsetS) * 1000).toISOString();
    const old = north(10);
    await store.append(stream, 1, [
      {
        type: 'CourierArrived',
        data: { courier_id: 'k-old', position: { ...old, time: at(0) }, used_mark_delivered_radius: 500 },
        metadata: { tenantId: 'company-a' },
      },
      {
        type: 'DeliveryStatusChanged',
        data: { from: 'new', to: 'confirmed', initiator: 'app', point: old, at: at(5) },
        metadata: { tenantId: 'company-a' },
      },
    ]);
    // Then new ones on top: the fold (the visit machine's state) carries on from the old events.
    await push('k-old', 'r-old', [position(600, 5), position(900, 2_000)]).expect(200);
    const { rows } = await courier.pool.query(
      `SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
      [stream],
    );
    // Auto-marking is on for this company (the spec before): the visit finishes the delivery at its point.
    expect(rows.map((row) => row.type)).toEqual([
      'DeliveryCreated',
      'CourierArrived',
      'DeliveryStatusChanged',
      'RouteStarted',
      'DeliveryBecameNext',
      'DeliveryVisited',
      'DeliveryStatusChanged',
      'DeliveryActualTimeSet',
      'CourierDeparted',
    ]);
    expect(rows[5].data.position).toEqual({ time: at(600), sealed: expect.stringMatching(/^pd1\./) });
    expect(rows[6].data).toMatchObject({ to: 'finished', sealed_point: expect.stringMatching(/^pd1\./) });
    expect(JSON.stringify(rows.slice(3))).not.toMatch(/"(lat|lon)"/);

    const view = (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
    expect(
      view.history
        .filter((h: { position?: object }) => h.position)
        .map((h: { event: string; position: object }) => [h.event, h.position]),
    ).toEqual([
      ['ARRIVAL', { ...old, time: at(0) }],
      ['ORDER_VISIT', { ...north(5), time: at(600) }],
      ['DEPARTURE', { ...north(2_000), time: at(900) }],
    ]);
    expect(view.status_log).toEqual([
      { status: 'new', timestamp: expect.any(Number) },
      { status: 'confirmed', timestamp: WINDOW_START_S + 5, point: old },
      { status: 'finished', timestamp: WINDOW_START_S + 600, point: north(5) },
    ]);
    // The read model holds what the events hold: tokens for the new positions.
    const detail = await eventually(
      async () =>
        (await courier.pool.query('SELECT version, view FROM delivery_details WHERE delivery_id = $1', [id])).rows[0],
      (row) => row?.version === 9,
    );
    expect(detail.view.history.at(-1).position).toEqual({ time: at(900), sealed: expect.stringMatching(/^pd1\./) });
  });

  it('refuses unknown routes, other couriers and other companies with 404, and bad points with 422', async () => {
    await routeWithOrder('r-guarded', 'k-guarded');
    await push('k-guarded', 'r-unknown', [position(0)]).expect(404);
    await push('k-other', 'r-guarded', [position(0)]).expect(404);
    await push('k-guarded', 'r-guarded', [position(0)], courier.keys.companyB).expect(404);
    await push('k-guarded', 'r-guarded', []).expect(422);
    await push('k-guarded', 'r-guarded', [{ point: { lat: 91, lon: 0 }, timestamp: 1 }]).expect(422);
  });
});
