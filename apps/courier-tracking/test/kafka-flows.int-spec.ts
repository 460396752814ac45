import { courierPositionsReportedV1, externalOrderAcceptedV1, marketplaceOrderCancelledV1 } from '@orders/contracts';
import { uuidv7 } from '@orders/event-store';
import { eventually, order, useCourierTracking } from './courier-app';
import { publish, readTopic } from './kafka-helpers';

// The real stack on a shared 2-core machine: waits on read models and Kafka take longer than jest's 5 s default.
jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';
const WINDOW_START_S = Date.parse('2026-03-02T08:00:00Z') / 1000;
const TARGET = { lat: 55.757, lon: 37.615 };
const at = (offsetS: number, metres = 0) => ({
  accuracy: 5,
  point: { lat: TARGET.lat + metres / 111_195, lon: TARGET.lon },
  timestamp: WINDOW_START_S + offsetS,
});

describe('courier-tracking over Kafka', () => {
  const courier = useCourierTracking({ kafka: true });
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });
  const topic = (name: string) => `${courier.topicPrefix}${name}`;
  const getOrder = async (id: string) => (await courier.http().get(`${company}/orders/${id}`).set(keyA())).body;

  it('finishes a delivery from positions on courier.positions.v1 and publishes DeliveryFinished', async () => {
    await courier
      .http()
      .put(`${company}/settings`)
      .set(keyA())
      .send({ mark_delivered_enabled: true, mark_delivered_service_time_coefficient: 0.5 })
      .expect(200);
    await courier
      .http()
      .put(`${company}/routes/r-kafka`)
      .set(keyA())
      .send({ courier_id: 'k-kafka', date: '2026-03-02' })
      .expect(200);
    const { delivery_id: id } = (
      await courier
        .http()
        .post(`${company}/orders`)
        .set(keyA())
        .send(order({ route_id: 'r-kafka', ...TARGET }))
        .expect(201)
    ).body;
    await eventually(
      async () => (await courier.http().get(`${company}/routes/r-kafka`).set(keyA())).body,
      (r) => r.deliveries?.length === 1,
    );
    const batch = (positions: object[]) => ({
      tenantId: 'company-a',
      courierId: 'k-kafka',
      routeId: 'r-kafka',
      positions,
    });
    await publish(topic('courier.positions.v1'), courierPositionsReportedV1, [
      batch([at(0, 800)]),
      batch([at(5, 30)]),
      batch([at(100, 10), at(200, 5)]),
    ]);
    await publish(topic('courier.positions.v1'), courierPositionsReportedV1, [
      batch([at(305, 0)]),
      batch([at(305, 0)]),
    ]);
    const finished = await eventually(
      () => getOrder(id),
      (o) => o.status === 'finished',
    );
    expect(finished.history.find((h: { event: string }) => h.event === 'STATUS_UPDATE')).toMatchObject({
      source: { initiator: 'yandex' },
    });
    const published = await readTopic(topic('courier.delivery-events.v1'), (m) =>
      m.some((x) => x.headers['event-type'] === 'DeliveryFinished' && x.key === id),
    );
    const types = published.filter((m) => m.key === id).map((m) => m.headers['event-type']);
    expect(types).toEqual(['DeliveryCreated', 'DeliveryFinished']);
    expect(
      JSON.parse(String(published.find((m) => m.headers['event-type'] === 'DeliveryFinished')?.value)),
    ).toMatchObject({
      orderId: id,
      tenantId: 'company-a',
      deliveryId: id,
      status: 'finished',
      initiator: 'yandex',
      automatic: true,
    });
  }, 30_000);

  it('dead-letters a positions message for a route the courier does not drive, and keeps consuming', async () => {
    await publish(topic('courier.positions.v1'), courierPositionsReportedV1, [
      { tenantId: 'company-a', courierId: 'nobody', routeId: 'r-kafka', positions: [at(900)] },
    ]);
    const dead = await readTopic(topic('courier.positions.v1.dlq'), (m) => m.length >= 1);
    expect(dead[0].headers['dlq-error-message']).toMatch(/not driven by courier nobody/);
  }, 30_000);

  it('creates the delivery when intake accepts an order (same id, same correlation) and cancels it on a marketplace cancellation', async () => {
    const orderId = uuidv7();
    const correlationId = `corr-${orderId}`;
    await publish(
      topic('intake.order-events.v1'),
      externalOrderAcceptedV1,
      [
        {
          orderId,
          tenantId: 'company-a',
          acceptedBy: 'operator-1',
          acceptedAt: '2026-03-02T07:00:00.000Z',
          posOrderRef: `Dlv.${orderId.slice(-6)}`,
          serviceType: 'courier',
          requestedTime: '2026-03-02T09:00:00.000Z',
          amountMinor: 90050,
          currency: 'RUB',
          personalDataRef: orderId,
        },
      ],
      correlationId,
    );
    const created = await eventually(
      () => getOrder(orderId),
      (o) => o.delivery_id === orderId,
    );
    expect(created).toMatchObject({
      status: 'new',
      amount: 900.5,
      lat: null,
      time_window: { start: '2026-03-02T12:00:00+03:00', end: '2026-03-02T13:00:00+03:00' },
    });
    const { rows } = await courier.pool.query(`SELECT metadata FROM event_store.events WHERE stream_id = $1`, [
      `delivery-${orderId}`,
    ]);
    expect(rows[0].metadata).toMatchObject({ correlationId, tenantId: 'company-a' });

    // A dispatcher locates it, lat and lon in two PATCHes: sealed, and the log learns only that it is located now.
    await courier.http().patch(`${company}/orders/${orderId}`).set(keyA()).send({ lat: TARGET.lat }).expect(200);
    const located = (
      await courier.http().patch(`${company}/orders/${orderId}`).set(keyA()).send({ lon: TARGET.lon }).expect(200)
    ).body;
    expect(located).toMatchObject({ lat: TARGET.lat, lon: TARGET.lon, refined_lat: null });
    expect(located).not.toHaveProperty('located');
    const log = (
      await courier.pool.query(
        `SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
        [`delivery-${orderId}`],
      )
    ).rows;
    expect(log.slice(1)).toEqual([
      { type: 'PersonalDataChanged', data: expect.objectContaining({ fields: ['lat'] }) },
      { type: 'DeliveryUpdated', data: expect.objectContaining({ changes: { located: true } }) },
      { type: 'PersonalDataChanged', data: expect.objectContaining({ fields: ['lon'] }) },
    ]);
    expect(JSON.stringify(log)).not.toContain(String(TARGET.lat));

    await publish(topic('marketplace.cancellation-events.v1'), marketplaceOrderCancelledV1, [
      {
        orderId,
        tenantId: 'company-a',
        campaignId: 1,
        marketOrderId: 2,
        cause: 'REQUEST_ACCEPTED',
        substatus: null,
        cancelledAt: '2026-03-02T08:00:00.000Z',
      },
    ]);
    const cancelled = await eventually(
      () => getOrder(orderId),
      (o) => o.status === 'cancelled',
    );
    expect(cancelled.history.at(-1)).toMatchObject({ event: 'STATUS_UPDATE', source: { initiator: 'user_api' } });
  }, 30_000);

  it('records a conflict instead of cancelling a delivery that was already delivered', async () => {
    const { delivery_id: id } = (await courier.http().post(`${company}/orders`).set(keyA()).send(order()).expect(201))
      .body;
    await courier
      .http()
      .post(`${company}/orders/${id}/delivered`)
      .set(keyA())
      .send({ actual_delivered_at: '2026-03-02T08:10:00Z' })
      .expect(200);
    await publish(topic('marketplace.cancellation-events.v1'), marketplaceOrderCancelledV1, [
      {
        orderId: id,
        tenantId: 'company-a',
        campaignId: 1,
        marketOrderId: 3,
        cause: 'REQUEST_EXPIRED',
        substatus: null,
        cancelledAt: '2026-03-02T08:20:00.000Z',
      },
    ]);
    const conflict = await eventually(
      async () =>
        (
          await courier.pool.query(
            `SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
            [`delivery-${id}`],
          )
        ).rows,
      (rows) => rows.some((r) => r.type === 'DeliveryCancellationConflict'),
    );
    expect(conflict.at(-1)).toMatchObject({
      type: 'DeliveryCancellationConflict',
      data: { cause: 'REQUEST_EXPIRED', status: 'finished' },
    });
    expect((await getOrder(id)).status).toBe('finished');
  }, 30_000);
});
