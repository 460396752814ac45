import { MarketplaceOrders } from '../src/marketplace-orders/marketplace-orders';
import { createStack, eventually, one, type Stack } from './harness';
import { pendingRequest } from './market-fixtures';

// Timers fire in batches: one claim, one read of the orders, one append of every order's events. Waits are on
// conditions; the bound only stops a hung run on a busy machine.
jest.setTimeout(60_000);

const BATCH = 8;
const t0 = '2026-03-01T10:00:00.000Z';
const afterDeadlines = '2026-03-04T00:00:00.000Z';

/** Per order of `orderIds`: its CancellationAutoAccepted events' transaction ids (one each when fired once). */
async function expiries(stack: Stack, orderIds: readonly number[]): Promise<Map<number, string[]>> {
  const { rows } = await stack.pool.query<{ stream_id: string; transaction_id: string }>(
    `SELECT stream_id, transaction_id::text FROM event_store.events
      WHERE type = 'CancellationAutoAccepted' AND stream_id = ANY($1)`,
    [orderIds.map((id) => `marketplace_order-21-${id}`)],
  );
  const byOrder = new Map<number, string[]>(orderIds.map((id) => [id, []]));
  for (const row of rows) byOrder.get(Number(row.stream_id.split('-').pop()))?.push(row.transaction_id);
  return byOrder;
}

async function armed(stack: Stack, orderIds: readonly number[]): Promise<void> {
  await eventually(
    async () =>
      (
        await one<{ n: number }>(
          stack.pool,
          `SELECT count(*)::int AS n FROM cancellation_timers WHERE order_id = ANY($1)`,
          [orderIds.map(String)],
        )
      )?.n === orderIds.length,
    'the timer rows',
  );
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('timers fired in batches (real PostgreSQL)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await createStack({ env: { CANCELLATION_TIMER_BATCH: String(BATCH) } });
  }, 60_000);

  afterAll(() => stack?.drop());

  beforeEach(() => stack.clock.set(t0));

  it('fires a claimed batch once each, every order appended in one transaction', async () => {
    const api = await stack.start();
    const orders = range(3000, BATCH + 3);
    for (const orderId of orders) await pendingRequest(api, orderId, t0);
    await armed(stack, orders);
    stack.clock.set(afterDeadlines);

    expect(await api.timers.fireBatch()).toBe(BATCH);
    const firstBatch = [...(await expiries(stack, orders)).values()].filter((ids) => ids.length > 0);
    expect(firstBatch).toHaveLength(BATCH);
    expect(new Set(firstBatch.flat()).size).toBe(1); // one append of the whole batch
    // Each fired row marked by the transaction that appended its order's events (xmin: the row's writer).
    const marked = await one<{ n: number }>(
      stack.pool,
      `SELECT count(*)::int AS n FROM cancellation_timers t
         JOIN event_store.events e ON e.stream_id = 'marketplace_order-21-' || t.order_id AND e.type = 'CancellationAutoAccepted'
        WHERE t.order_id = ANY($1) AND t.state = 'FIRED' AND t.xmin::text::bigint = (e.transaction_id::text::bigint & 4294967295)`,
      [orders.map(String)],
    );
    expect(marked?.n).toBe(BATCH);

    expect(await api.timers.fireDue()).toBe(3);
    expect(await api.timers.fireDue()).toBe(0);
    for (const ids of (await expiries(stack, orders)).values()) expect(ids).toHaveLength(1);
    await api.close();
  });

  it('retries only the order a concurrent command changed; the rest of the batch appends at once', async () => {
    const api = await stack.start();
    const orders = range(3100, 5);
    for (const orderId of orders) await pendingRequest(api, orderId, t0);
    await armed(stack, orders);
    const raced = orders[2];

    // The shop's decision on one order, appended but not yet committed: it holds that stream's lock, so the
    // batch (which read the order before the decision) waits for it at its append.
    const shop = await stack.pool.connect();
    try {
      await shop.query('BEGIN');
      await api.app
        .get(MarketplaceOrders)
        .execute(
          'DecideCancellation',
          { campaignId: '21', orderId: String(raced), accepted: false, reason: 'ORDER_DELIVERED' },
          { actor: 'shop', tx: shop },
        );
      stack.clock.set(afterDeadlines); // decided in time; the deadlines pass while it commits
      const firing = api.timers.fireBatch();
      await eventually(
        async () =>
          (
            await one<{ n: number }>(
              stack.pool,
              `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
            )
          )?.n === 1,
        'the batch waiting for the decided order',
      );
      await shop.query('COMMIT');
      expect(await firing).toBe(orders.length);
    } finally {
      shop.release();
    }

    const fired = await expiries(stack, orders);
    expect(fired.get(raced)).toEqual([]); // reloaded after the conflict: the decision closed the request
    const others = orders.filter((id) => id !== raced).map((id) => fired.get(id) ?? []);
    for (const ids of others) expect(ids).toHaveLength(1);
    expect(new Set(others.flat()).size).toBe(1);
    const { rows } = await stack.pool.query(
      `SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
      [`marketplace_order-21-${raced}`],
    );
    expect(rows.map((r) => r.type)).toEqual([
      'MarketplaceOrderSynced',
      'CancellationRequested',
      'CancellationRejected',
    ]);
    await api.close();
  });

  it('never fires a deadline twice when two instances compete for the batches', async () => {
    const [a, b] = [await stack.start(), await stack.start()];
    const orders = range(3200, 6 * BATCH + 5);
    for (const orderId of orders) await pendingRequest(orderId % 2 ? a : b, orderId, t0);
    await armed(stack, orders);
    stack.clock.set(afterDeadlines);

    const fired = await Promise.all([a.timers.fireDue(), b.timers.fireDue(), a.timers.fireDue(), b.timers.fireDue()]);
    expect(fired.reduce((x, y) => x + y, 0)).toBe(orders.length);
    for (const ids of (await expiries(stack, orders)).values()) expect(ids).toHaveLength(1);
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM cancellation_timers WHERE order_id = ANY($1) AND state = 'FIRED'`,
      [orders.map(String)],
    );
    expect(rows[0].n).toBe(orders.length);
    await Promise.all([a.close(), b.close()]);
  });
});
