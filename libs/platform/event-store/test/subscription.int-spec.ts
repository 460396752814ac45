import { Client, type PoolClient } from 'pg';
import type { EventStore, RecordedEvent, Subscription, SubscriptionOptions } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { appendMany as appendManyTo, waitFor } from './fixtures';

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;
const running: Subscription[] = [];

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'subs', poolSize: 12 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
  await sql.query(
    'CREATE TABLE effects (subscription text, event_id uuid, owner text, seq bigserial, PRIMARY KEY (subscription, event_id))',
  );
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

const fast: SubscriptionOptions = {
  pollIntervalMs: 100,
  leaseMs: 1500,
  retry: { initialDelayMs: 20, maxDelayMs: 100 },
};

/** A handler whose effect (one row per event) commits with the checkpoint. */
const recordEffects =
  (name: string, owner = 'any') =>
  async (events: RecordedEvent[], tx: PoolClient) => {
    await tx.query(
      `INSERT INTO "${fixture.schema}".effects (subscription, event_id, owner) SELECT $1, unnest($2::uuid[]), $3`,
      [name, events.map((e) => e.eventId), owner],
    );
  };

async function effects(name: string): Promise<Array<{ event_id: string; owner: string }>> {
  return (await sql.query('SELECT event_id, owner FROM effects WHERE subscription = $1 ORDER BY seq', [name])).rows;
}

function start(
  name: string,
  handler: Parameters<EventStore['subscribe']>[1],
  options: SubscriptionOptions = {},
): Subscription {
  const subscription = store.subscribe(name, handler, { ...fast, ...options });
  running.push(subscription);
  void subscription.start();
  return subscription;
}

const appendMany = (prefix: string, streams: number, perStream: number) =>
  appendManyTo(store, prefix, streams, perStream);

describe('subscriptions', () => {
  it('delivers every event once, in order, and resumes from its checkpoint', async () => {
    const ids = await appendMany('sub1', 3, 5);
    const batches: number[] = [];
    const first = start(
      'sub-1',
      async (events, tx) => {
        batches.push(events.length);
        await recordEffects('sub-1')(events, tx);
      },
      { batchSize: 4, streamTypes: ['sub1'] },
    );
    await waitFor(async () => (await effects('sub-1')).length >= ids.length, 'all events handled');
    expect((await effects('sub-1')).map((r) => r.event_id)).toEqual(ids);
    expect(Math.max(...batches)).toBeLessThanOrEqual(4);
    await first.stop();

    const more = await appendMany('sub1', 3, 2);
    start('sub-1', recordEffects('sub-1'), { streamTypes: ['sub1'] });
    await waitFor(async () => (await effects('sub-1')).length >= ids.length + more.length, 'the new events handled');
    expect((await effects('sub-1')).map((r) => r.event_id)).toEqual([...ids, ...more]);
    const status = await store.subscriptionStatus('sub-1');
    expect(status?.checkpoint.transactionId).toBeDefined();
  });

  it('rolls back a failing batch, reports it, and retries with backoff', async () => {
    const ids = await appendMany('sub2', 2, 3);
    const errors: Array<{ attempt: number; events: number }> = [];
    let calls = 0;
    start(
      'sub-2',
      async (events, tx) => {
        await recordEffects('sub-2')(events, tx); // written, then undone by the failure
        calls += 1;
        if (calls <= 2) throw new Error(`handler failure ${calls}`);
      },
      {
        streamTypes: ['sub2'],
        onError: (_error, context) => errors.push({ attempt: context.attempt, events: context.events.length }),
      },
    );
    await waitFor(async () => (await effects('sub-2')).length >= ids.length, 'the batch to succeed');
    expect(errors.map((e) => e.attempt)).toEqual([1, 2]);
    expect(errors.every((e) => e.events > 0)).toBe(true);
    expect((await effects('sub-2')).map((r) => r.event_id)).toEqual(ids); // no effect twice
  });

  it('treats a handler that broke the transaction as a failure', async () => {
    await appendMany('sub3', 1, 2);
    const errors: unknown[] = [];
    let calls = 0;
    start(
      'sub-3',
      async (events, tx) => {
        calls += 1;
        if (calls === 1) await tx.query('SELECT 1/0').catch(() => undefined); // swallowed, but the transaction is aborted
        await recordEffects('sub-3')(events, tx).catch(() => undefined);
      },
      { streamTypes: ['sub3'], onError: (error) => errors.push(error) },
    );
    await waitFor(async () => (await effects('sub-3')).length >= 2, 'the retry to succeed');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(await effects('sub-3')).toHaveLength(2);
  });

  it('runs on one runner at a time: the second waits for the lease, then takes over', async () => {
    const before = await appendMany('sub4', 2, 3);
    const a = start('sub-4', recordEffects('sub-4', 'A'), { owner: 'runner-a', streamTypes: ['sub4'] });
    await waitFor(async () => (await effects('sub-4')).length >= before.length, 'A to catch up');
    const b = start('sub-4', recordEffects('sub-4', 'B'), { owner: 'runner-b', streamTypes: ['sub4'] });
    const during = await appendMany('sub4', 2, 3);
    await waitFor(
      async () => (await effects('sub-4')).length >= before.length + during.length,
      'A to handle new events',
    );
    expect(b.isLeader()).toBe(false);
    expect((await store.subscriptionStatus('sub-4'))?.leaseOwner).toBe('runner-a');
    expect((await effects('sub-4')).every((r) => r.owner === 'A')).toBe(true);

    await a.stop();
    await waitFor(() => b.isLeader(), 'B to take the released lease', 5000);
    const after = await appendMany('sub4', 2, 2);
    await waitFor(
      async () => (await effects('sub-4')).length >= before.length + during.length + after.length,
      'B to handle new events',
    );
    const rows = await effects('sub-4');
    expect(rows.map((r) => r.event_id)).toEqual([...before, ...during, ...after]);
    expect(rows.slice(-after.length).every((r) => r.owner === 'B')).toBe(true);
  });

  it('takes over a lease whose holder vanished, once it expires', async () => {
    const ids = await appendMany('sub5', 1, 3);
    await sql.query(
      `INSERT INTO subscriptions (name, lease_owner, lease_expires_at) VALUES ('sub-5', 'crashed-runner', clock_timestamp() + interval '800 milliseconds')`,
    );
    const c = start('sub-5', recordEffects('sub-5'), { leaseMs: 600, streamTypes: ['sub5'] });
    expect(c.isLeader()).toBe(false);
    await waitFor(async () => (await effects('sub-5')).length >= ids.length, 'C to take over after expiry', 10_000);
    expect((await store.subscriptionStatus('sub-5'))?.leaseOwner).toBe(c.owner);
  });

  it('filters by stream type and event type, and can be replayed from the start', async () => {
    await store.append('cart-f1', 'any', [
      { type: 'CartOpened', data: {} },
      { type: 'ItemAdded', data: {} },
    ]);
    await store.append('order-f1', 'any', [
      { type: 'OrderPlaced', data: {} },
      { type: 'ItemAdded', data: {} },
    ]);
    const seen: string[] = [];
    const sub = start(
      'sub-6',
      async (events) => {
        seen.push(...events.map((e) => `${e.streamType}:${e.type}`));
      },
      { streamTypes: ['cart'], eventTypes: ['ItemAdded'] },
    );
    await waitFor(() => seen.length >= 1, 'the matching event');
    await store.append('cart-f2', 'any', [{ type: 'ItemAdded', data: {} }]);
    await waitFor(() => seen.length >= 2, 'the next matching event');
    expect(seen).toEqual(['cart:ItemAdded', 'cart:ItemAdded']);

    await sub.stop();
    expect(await store.resetSubscription('sub-6')).toBe(true);
    seen.length = 0;
    start(
      'sub-6',
      async (events) => {
        seen.push(...events.map((e) => e.streamId));
      },
      { streamTypes: ['cart'], eventTypes: ['ItemAdded'] },
    );
    await waitFor(() => seen.length >= 2, 'the replay');
    expect(seen).toEqual(['cart-f1', 'cart-f2']);
  });

  it('can start from now, skipping the history, while an unrelated transaction stays open', async () => {
    // An open transaction with an id, older than the history (a psql session, another database's work): it holds
    // the server's snapshot xmin back, and "now" taken from that xmin would replay the history.
    const unrelated = new Client({ connectionString: fixture.connectionString });
    await unrelated.connect();
    try {
      await unrelated.query('BEGIN');
      await unrelated.query('SELECT pg_current_xact_id()');
      await appendMany('sub7', 1, 2);
      await waitFor(async () => (await store.readAll({ streamTypes: ['sub7'] })).events.length === 2, 'the history');
      const seen: string[] = [];
      const sub = start(
        'sub-7',
        async (events) => {
          seen.push(...events.map((e) => e.eventId));
        },
        { startFrom: 'now', streamTypes: ['sub7'] },
      );
      await waitFor(async () => (await store.subscriptionStatus('sub-7'))?.leaseOwner === sub.owner, 'the lease');
      const fresh = await appendMany('sub7', 1, 1);
      await waitFor(() => seen.length >= 1, 'the new event');
      expect(seen).toEqual(fresh);
    } finally {
      await unrelated.end();
    }
  });
});
