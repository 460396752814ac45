import { EventStore } from '@orders/event-store';
import { READ_MODEL_SUBSCRIPTION } from '../src/read-model/cancellation-read-model';
import { createStack, eventually, type Stack } from './harness';
import { decisionPath, notify, pendingRequest, statusUpdated } from './market-fixtures';

jest.setTimeout(60_000);

const t0 = '2026-03-01T10:00:00.000Z';
const snapshot = async (stack: Stack) => ({
  orders: (
    await stack.pool.query(
      `SELECT campaign_id, order_id, status, market_status, substatus, payment_type, status_updated_at, version FROM marketplace_orders ORDER BY 1, 2`,
    )
  ).rows,
  requests: (
    await stack.pool.query(
      `SELECT request_id, order_id, deadline_at, state, reason, decided_by, decided_at FROM cancellation_requests ORDER BY 1`,
    )
  ).rows,
});

describe('the cancellation read model (real PostgreSQL)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await createStack();
  }, 60_000);

  afterAll(() => stack?.drop());

  it('is rebuilt from the log to the same rows', async () => {
    stack.clock.set(t0);
    const api = await stack.start();
    await pendingRequest(api, 4001, t0);
    await pendingRequest(api, 4002, t0);
    await pendingRequest(api, 4003, t0);
    await notify(api, statusUpdated(4004, 'PROCESSING', '2026-03-01T09:00:00Z'));
    await api.notifications.drain();
    await api.http().put(decisionPath(4001)).set('Api-Key', stack.keys.c21).send({ accepted: true }).expect(200);
    await api
      .http()
      .put(decisionPath(4002))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: false, reason: 'ORDER_IN_DELIVERY' })
      .expect(200);
    await notify(api, statusUpdated(4003, 'CANCELLED', '2026-03-01T12:00:00Z'));
    await api.notifications.drain();
    // Settled means caught up with the log: every order row at its stream's last version (a condition on the rows
    // alone could take a snapshot while later events of an order were still on their way).
    const settled = await eventually(async () => {
      const { rows } = await stack.pool.query(
        `SELECT count(*)::int AS n FROM marketplace_orders o
           JOIN (SELECT stream_id, max(stream_version) AS v FROM event_store.events GROUP BY stream_id) e
             ON e.stream_id = 'marketplace_order-' || o.campaign_id || '-' || o.order_id
          WHERE o.version = e.v`,
      );
      const view = await snapshot(stack);
      return (
        rows[0].n === 4 &&
        view.orders.length === 4 &&
        view.requests.filter((r) => r.state !== 'PENDING').length === 3 &&
        view
      );
    }, 'the projection of every order');
    expect(settled.requests.map((r) => [r.order_id, r.state])).toEqual(
      expect.arrayContaining([
        ['4001', 'ACCEPTED'],
        ['4002', 'REJECTED'],
        ['4003', 'CLOSED'],
      ]),
    );
    await api.close();

    await stack.pool.query(`TRUNCATE marketplace_orders, cancellation_requests`);
    const store = new EventStore({ connection: stack.databaseUrl, schema: 'event_store' });
    await store.resetSubscription(READ_MODEL_SUBSCRIPTION);
    await store.close();
    await stack.start();
    const rebuilt = await eventually(async () => {
      const view = await snapshot(stack);
      return JSON.stringify(view) === JSON.stringify(settled) && view;
    }, 'the rebuilt read model to equal the first one');
    expect(rebuilt).toEqual(settled);
  });
});
