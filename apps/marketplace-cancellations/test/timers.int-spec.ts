import { MarketplaceOrders } from '../src/marketplace-orders/marketplace-orders';
import { TIMER_ACTOR, TIMER_LEASE_MS } from '../src/expire-cancellations/cancellation-timers';
import { createStack, eventually, one, type Stack } from './harness';
import { decisionPath, pendingRequest } from './market-fixtures';

// Waits are on conditions (projections, workers); the bound only stops a hung run on a busy machine.
jest.setTimeout(30_000);

const t0 = '2026-03-01T10:00:00.000Z';
const deadline = '2026-03-03T10:00:00.000Z';

const timerOf = (stack: Stack, orderId: number) =>
  one<{ state: string; due_at: Date }>(
    stack.pool,
    `SELECT state, due_at FROM cancellation_timers WHERE order_id = $1`,
    [String(orderId)],
  );

const eventTypes = async (stack: Stack, orderId: number): Promise<string[]> => {
  const { rows } = await stack.pool.query(
    `SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
    [`marketplace_order-21-${orderId}`],
  );
  return rows.map((r) => r.type);
};

describe('durable cancellation deadlines (real PostgreSQL)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await createStack();
  }, 60_000);

  afterAll(() => stack?.drop());

  beforeEach(() => stack.clock.set(t0));

  it('fires a deadline exactly once, by an instance started after the one that scheduled it', async () => {
    const first = await stack.start();
    await pendingRequest(first, 2001, t0);
    const timer = await eventually(() => timerOf(stack, 2001), 'the timer row');
    expect(timer).toEqual({ state: 'SCHEDULED', due_at: new Date(deadline) });
    stack.clock.set('2026-03-03T09:59:59.999Z');
    expect(await first.timers.fireDue()).toBe(0);
    await first.close();

    // The process is gone; the deadline passes while nothing runs. A new process finds the row and fires it.
    stack.clock.set('2026-03-03T10:00:05.000Z');
    const second = await stack.start();
    expect(await second.timers.fireDue()).toBe(1);
    expect(await second.timers.fireDue()).toBe(0);
    expect(await timerOf(stack, 2001)).toMatchObject({ state: 'FIRED' });
    expect(await eventTypes(stack, 2001)).toEqual([
      'MarketplaceOrderSynced',
      'CancellationRequested',
      'CancellationAutoAccepted',
      'MarketplaceOrderCancelled',
    ]);
    const decided = await eventually(
      () =>
        one<{ state: string; decided_by: string }>(
          stack.pool,
          `SELECT state, decided_by FROM cancellation_requests WHERE order_id = '2001' AND state <> 'PENDING'`,
        ),
      'the projected expiry',
    );
    expect(decided).toEqual({ state: 'AUTO_ACCEPTED', decided_by: 'system:deadline' });
    await second.close();
  });

  it('shares due timers between instances without firing any twice', async () => {
    const [a, b] = [await stack.start(), await stack.start()];
    const orders = Array.from({ length: 16 }, (_, i) => 2100 + i);
    for (const orderId of orders) await pendingRequest(orderId % 2 ? a : b, orderId, t0);
    await eventually(
      async () =>
        (
          await one<{ n: number }>(
            stack.pool,
            `SELECT count(*)::int AS n FROM cancellation_timers WHERE order_id::int >= 2100`,
          )
        )?.n === orders.length,
      'all timers',
    );
    stack.clock.set('2026-03-04T00:00:00.000Z');
    const fired = await Promise.all([a.timers.fireDue(), b.timers.fireDue(), a.timers.fireDue(), b.timers.fireDue()]);
    expect(fired.reduce((x, y) => x + y, 0)).toBe(orders.length);
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM event_store.events WHERE type = 'CancellationAutoAccepted' AND stream_id LIKE 'marketplace_order-21-21%'`,
    );
    expect(rows[0].n).toBe(orders.length);
    await Promise.all([a.close(), b.close()]);
  });

  it('has a single effect when a claimer died after its command but before marking the row', async () => {
    const api = await stack.start();
    await pendingRequest(api, 2401, t0);
    const { request_id: requestId } = await eventually(
      () =>
        one<{ request_id: string }>(stack.pool, `SELECT request_id FROM cancellation_timers WHERE order_id = '2401'`),
      'the timer row',
    );
    stack.clock.set(deadline);
    // The dead claimer's work: the Expire command ran, the transaction that would have marked the row never committed.
    await api.app
      .get(MarketplaceOrders)
      .execute('ExpireCancellationRequest', { campaignId: '21', orderId: '2401', requestId }, { actor: TIMER_ACTOR });
    // Whichever comes first settles the row: the next claimer (its Expire decides nothing new) or the schedule
    // subscription reading the expiry from the log. Either way: fired, and one effect.
    expect(await api.timers.fireDue()).toBeLessThanOrEqual(1);
    await eventually(async () => (await timerOf(stack, 2401))?.state === 'FIRED', 'the timer marked fired');
    expect(await eventTypes(stack, 2401)).toEqual([
      'MarketplaceOrderSynced',
      'CancellationRequested',
      'CancellationAutoAccepted',
      'MarketplaceOrderCancelled',
    ]);
    await api.close();
  });

  it('fires a row whose claimer died after claiming it once the lease ran out, once', async () => {
    const api = await stack.start();
    await pendingRequest(api, 2501, t0);
    await eventually(() => timerOf(stack, 2501), 'the timer row');
    // The dead claimer's work: the row claimed (leased) at the deadline, nothing fired, nothing marked.
    await stack.pool.query(`UPDATE cancellation_timers SET next_attempt_at = $1 WHERE order_id = '2501'`, [
      new Date(Date.parse(deadline) + TIMER_LEASE_MS),
    ]);
    stack.clock.set(new Date(Date.parse(deadline) + TIMER_LEASE_MS - 1).toISOString());
    expect(await api.timers.fireDue()).toBe(0); // still another claimer's
    stack.clock.set(new Date(Date.parse(deadline) + TIMER_LEASE_MS).toISOString());
    expect(await api.timers.fireDue()).toBe(1);
    expect(await api.timers.fireDue()).toBe(0);
    expect(await timerOf(stack, 2501)).toMatchObject({ state: 'FIRED' });
    expect(await eventTypes(stack, 2501)).toEqual([
      'MarketplaceOrderSynced',
      'CancellationRequested',
      'CancellationAutoAccepted',
      'MarketplaceOrderCancelled',
    ]);
    await api.close();
  });

  it('cancels the timer when the shop decides, so the deadline passes quietly', async () => {
    const api = await stack.start();
    await pendingRequest(api, 2201, t0);
    await eventually(() => timerOf(stack, 2201), 'the timer row');
    await api
      .http()
      .put(decisionPath(2201))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: false, reason: 'ORDER_IN_DELIVERY' })
      .expect(200);
    await eventually(async () => (await timerOf(stack, 2201))?.state === 'CANCELLED', 'the timer to be cancelled');
    stack.clock.set('2026-03-05T00:00:00.000Z');
    expect(await api.timers.fireDue()).toBe(0);
    expect(await eventTypes(stack, 2201)).toEqual([
      'MarketplaceOrderSynced',
      'CancellationRequested',
      'CancellationRejected',
    ]);
    await api.close();
  });

  it('runs on its own in the background when the workers are on', async () => {
    const own = await createStack({ workers: true });
    try {
      const api = await own.start();
      await pendingRequest(api, 2301, t0);
      await eventually(() => timerOf(own, 2301), 'the timer row');
      own.clock.set('2026-03-03T10:00:00.000Z');
      await eventually(
        async () => (await timerOf(own, 2301))?.state === 'FIRED',
        'the background worker to fire the timer',
      );
      expect(await eventTypes(own, 2301)).toContain('CancellationAutoAccepted');
    } finally {
      await own.drop();
    }
  }, 30_000);
});
