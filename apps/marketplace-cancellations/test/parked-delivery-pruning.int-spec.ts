// market_order_ids forgets the deliveries parked on a platform id that no Market order claimed within the retention
// (deliveries of companies whose numeric id is not a campaign), and only those: a claimed row, even one whose parked
// delivery still waits for the order's request, and a young parked row stay.
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { marketOrderOfFinishedDelivery, platformOrderIdOf } from '../src/marketplace-orders/market-order-ids';
import { pruneParkedDeliveries } from '../src/prune-parked-deliveries/parked-delivery-pruning';
import { createStack, eventually, type Instance, type Stack } from './harness';
import { cancellationRequested, notify, statusUpdated } from './market-fixtures';

jest.setTimeout(30_000);

const DAY_MS = 86_400_000;
const RETENTION_MS = 35 * DAY_MS;
const t0 = '2026-03-01T10:00:00.000Z';
const at = (days: number): Date => new Date(Date.parse(t0) + days * DAY_MS);

async function platformIds(stack: Stack): Promise<string[]> {
  const { rows } = await stack.pool.query<{ platform_order_id: string }>(
    'SELECT platform_order_id FROM market_order_ids',
  );
  return rows.map((r) => r.platform_order_id).sort();
}

/** A DeliveryFinished parked (or matched) as the Kafka handler does it, on the service's clock at `parkedAt`. */
const park = (stack: Stack, platformOrderId: string, parkedAt: Date) =>
  marketOrderOfFinishedDelivery(
    stack.pool,
    platformOrderId,
    { finishedAt: parkedAt.toISOString(), messageId: randomUUID() },
    parkedAt,
  );

async function prunedMetric(): Promise<number> {
  const metric = register.getSingleMetric('marketplace_parked_deliveries_pruned_total');
  return metric ? ((await metric.get()).values[0]?.value ?? 0) : 0;
}

const sorted = (ids: string[]): string[] => [...ids].sort();

describe('pruning parked deliveries (real PostgreSQL)', () => {
  let stack: Stack;
  let api: Instance;

  beforeAll(async () => {
    // The hourly job is off here: these specs run it by hand and count what it deletes.
    stack = await createStack({ env: { PARKED_DELIVERY_PRUNING: 'off' } });
    api = await stack.start();
  }, 60_000);

  afterAll(() => stack?.drop());

  it('deletes the rows no Market order claimed within the retention, in batches, keeps the rest, and counts them', async () => {
    await stack.pool.query('DELETE FROM market_order_ids');
    const unclaimed = Array.from({ length: 5 }, () => randomUUID());
    for (const id of unclaimed) await park(stack, id, at(0));
    // Parked first, then claimed by the order's first notification: its delivery waits for the buyer's request.
    const waiting = platformOrderIdOf({ campaignId: '21', orderId: '4001' });
    expect(await park(stack, waiting, at(0))).toBeUndefined();
    await notify(api, statusUpdated(4001, 'DELIVERY', at(0).toISOString()));
    // Claimed before any delivery: the plain map from a delivery back to its Market order.
    const known = platformOrderIdOf({ campaignId: '21', orderId: '4002' });
    await notify(api, statusUpdated(4002, 'DELIVERY', at(0).toISOString()));
    expect(await park(stack, known, at(1))).toEqual({ campaignId: '21', orderId: '4002' });
    // Parked within the retention, and parked long ago but parked again since (a later delivery of the same id).
    const young = randomUUID();
    await park(stack, young, at(30));
    const parkedAgain = randomUUID();
    await park(stack, parkedAgain, at(0));
    await park(stack, parkedAgain, at(30));

    const before = await prunedMetric();
    const now = at(36);
    expect(await pruneParkedDeliveries({ pool: stack.pool, now, retentionMs: RETENTION_MS, batchSize: 2 })).toBe(
      unclaimed.length,
    );
    expect(await platformIds(stack)).toEqual(sorted([waiting, known, young, parkedAgain]));
    expect((await prunedMetric()) - before).toBe(unclaimed.length);
    expect(await pruneParkedDeliveries({ pool: stack.pool, now, retentionMs: RETENTION_MS })).toBe(0);

    // The claimed row still does its work: the buyer's request finds the delivery and is rejected at once.
    stack.clock.set(now);
    await notify(api, cancellationRequested(4001, now.toISOString()));
    await api.notifications.drain();
    const { rows } = await stack.pool.query(
      `SELECT type FROM event_store.events WHERE stream_id = 'marketplace_order-21-4001' ORDER BY stream_version`,
    );
    expect(rows.map((r) => r.type)).toEqual([
      'MarketplaceOrderSynced',
      'OrderDeliveryFinished',
      'CancellationRequested',
      'CancellationRejected',
    ]);
  });

  it('skips a row another transaction holds instead of waiting for it', async () => {
    await stack.pool.query('DELETE FROM market_order_ids');
    const [held, ...others] = Array.from({ length: 4 }, () => randomUUID());
    for (const id of [held, ...others]) await park(stack, id, at(0));
    const holder = await stack.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM market_order_ids WHERE platform_order_id = $1 FOR UPDATE', [held]);
      // Returns while the lock is held: a DELETE that waited would hang here until the spec timed out.
      expect(
        await pruneParkedDeliveries({ pool: stack.pool, now: at(36), retentionMs: RETENTION_MS, batchSize: 2 }),
      ).toBe(others.length);
      expect(await platformIds(stack)).toEqual([held]);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await pruneParkedDeliveries({ pool: stack.pool, now: at(36), retentionMs: RETENTION_MS })).toBe(1);
  });
});

describe('the pruning job in the running service', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await createStack({ env: { PARKED_DELIVERY_PRUNE_INTERVAL_MS: '100' } });
  }, 60_000);

  afterAll(() => stack?.drop());

  it('prunes by itself with the default retention of 35 days, and shows the count on /metrics', async () => {
    const api = await stack.start();
    const [old, young] = [randomUUID(), randomUUID()];
    await park(stack, old, at(0));
    await park(stack, young, at(2));
    stack.clock.set(at(36));
    await eventually(async () => !(await platformIds(stack)).includes(old), 'the old parked delivery pruned');
    expect(await platformIds(stack)).toEqual([young]);
    const metrics = await api.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/marketplace_parked_deliveries_pruned_total(\{[^}]*\})? [1-9]/);
  });
});
