import { eventually, order, useCourierTracking } from './courier-app';

// Seeds 000 (iiko, RU) and 001 (Syrve, EN): "Закрытие оплаченного доставленного доставочного заказа из API". The
// operations in the seed's order, as this service's iiko routes take them:
//   SetDeliveryDelivered + ChangeDeliveryActualDeliverTime  -> POST …/delivered {actual_delivered_at}
//   PayOrder (the order's Status becomes Closed, i.e. paid) -> POST …/payment
//   SetDeliveryCloseTime(closeTime)                          -> POST …/close-time {close_time}
//   SetDeliveryCloseTime(null): Closed back to Delivered     -> POST …/close-time {close_time: null}
// and the state as iiko shows it: DeliveryStatus (OnWay, Delivered, Closed, Cancelled) and a closed flag, beside
// close_time, on the answers of the iiko routes and on every read of the order.

jest.setTimeout(60_000);

const company = '/api/v1/companies/company-a';
const CLOSE_TIME = '2026-03-02T12:00:00+03:00';

describe('courier-tracking: iiko / Syrve closing of a paid, delivered delivery (seeds 000/001)', () => {
  const courier = useCourierTracking();
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });
  const create = async (extra: Record<string, unknown> = {}) => {
    const body = order(extra);
    const { delivery_id: id } = (await courier.http().post(`${company}/orders`).set(keyA()).send(body).expect(201)).body;
    return { id, number: body.number as string };
  };
  const op = (id: string, name: string, body: object = {}) =>
    courier.http().post(`${company}/orders/${id}/${name}`).set(keyA()).send(body);
  const get = async (id: string) => (await courier.http().get(`${company}/orders/${id}`).set(keyA()).expect(200)).body;
  const iiko = (body: Record<string, unknown>) => ({
    delivery_status: body.delivery_status,
    closed: body.closed,
    close_time: body.close_time,
  });

  it('walks the seed: delivered, paid, closed, reopened by null; every answer shows the iiko state', async () => {
    const { id, number } = await create();
    expect(iiko(await get(id))).toEqual({ delivery_status: 'OnWay', closed: false, close_time: null });

    const delivered = (await op(id, 'delivered', { actual_delivered_at: '2026-03-02T11:20:00+03:00' }).expect(200))
      .body;
    expect(delivered).toMatchObject({ status: 'finished', delivery_status: 'Delivered', closed: false });

    // "the delivery order must be in the Closed status (OrderStatus.Closed), i.e. paid"
    const unpaid = await op(id, 'close-time', { close_time: CLOSE_TIME }).expect(409);
    expect(unpaid.body.errors[0].code).toBe('DELIVERY_NOT_PAID');
    await op(id, 'payment', { payment_type: 'card', amount: 990 }).expect(200);

    const closed = (await op(id, 'close-time', { close_time: CLOSE_TIME }).expect(200)).body;
    expect(iiko(closed)).toEqual({ delivery_status: 'Closed', closed: true, close_time: '2026-03-02T09:00:00.000Z' });
    expect(closed).toMatchObject({ status: 'finished', paid: true, payment_status: 'paid' });
    expect(iiko(await get(id))).toEqual(iiko(closed));
    const listed = await eventually(
      async () => (await courier.http().get(`${company}/orders`).query({ number }).set(keyA()).expect(200)).body,
      (orders) => orders[0]?.closed === true,
    );
    expect(iiko(listed[0])).toEqual(iiko(closed));

    // "If you set this parameter to null, the method will change the delivery status from Closed back to Delivered."
    const reopened = (await op(id, 'close-time', { close_time: null }).expect(200)).body;
    expect(iiko(reopened)).toEqual({ delivery_status: 'Delivered', closed: false, close_time: null });
    expect(reopened.status).toBe('finished');
  });

  it('keeps the rules: not delivered 409, not closed 409, closed cannot be undone until reopened', async () => {
    const { id } = await create({ payment_type: 'card', payment_status: 'paid' });
    const early = await op(id, 'close-time', { close_time: CLOSE_TIME }).expect(409);
    expect(early.body.errors[0].code).toBe('DELIVERY_NOT_DELIVERED');
    await op(id, 'delivered', { actual_delivered_at: '2026-03-02T11:20:00+03:00' }).expect(200);
    expect((await op(id, 'close-time', { close_time: null }).expect(409)).body.errors[0].code).toBe(
      'DELIVERY_NOT_CLOSED',
    );
    expect(iiko((await op(id, 'close-time', { close_time: CLOSE_TIME }).expect(200)).body)).toMatchObject({
      delivery_status: 'Closed',
    });
    expect((await op(id, 'undo-delivered').expect(409)).body.errors[0].code).toBe('DELIVERY_CLOSED');
    await op(id, 'close-time', { close_time: null }).expect(200);
    const undone = (await op(id, 'undo-delivered').expect(200)).body;
    expect(undone).toMatchObject({
      status: 'confirmed',
      actual_delivered_at: null,
      delivery_status: 'OnWay',
      closed: false,
    });
  });

  it('does not close a self-pickup by close time (422); paying it closes it, shown Closed', async () => {
    const { id } = await create({ service_type: 'pickup' });
    const refused = await op(id, 'close-time', { close_time: CLOSE_TIME }).expect(422);
    expect(refused.body.errors[0].code).toBe('PICKUP_CLOSE_NOT_SUPPORTED');
    const paid = (await op(id, 'payment', { payment_type: 'cash' }).expect(200)).body;
    expect(paid).toMatchObject({
      status: 'finished',
      delivery_status: 'Closed',
      closed: true,
      close_time: expect.any(String),
    });
  });

  it('shows a cancelled delivery as Cancelled', async () => {
    const { id } = await create();
    const cancelled = (
      await courier.http().patch(`${company}/orders/${id}`).set(keyA()).send({ status: 'cancelled' }).expect(200)
    ).body;
    expect(iiko(cancelled)).toEqual({ delivery_status: 'Cancelled', closed: false, close_time: null });
  });
});
