// A subscription reads its next page while a full batch's handler runs; these specs pin what that must never change:
// the checkpoint moves only after the handler returned, a failed batch is retried as it was, pages keep log order.
import type { PoolClient, QueryConfig } from 'pg';
import {
  compareCheckpoints,
  START,
  type EventStore,
  type RecordedEvent,
  type Subscription,
  type SubscriptionOptions,
} from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { appendMany as appendManyTo, waitFor } from './fixtures';

// the relay's tailing waits below the server-wide horizon: other work on a shared server can hold it for seconds
jest.setTimeout(30_000);

let fixture: TestEventStore;
let store: EventStore;
const running: Subscription[] = [];

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'subs_pf', poolSize: 6 });
  store = fixture.store;
  await store.pool.query(
    `CREATE TABLE "${fixture.schema}".effects (subscription text, event_id uuid, seq bigserial, PRIMARY KEY (subscription, event_id))`,
  );
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  jest.restoreAllMocks();
});

afterAll(async () => {
  await fixture?.drop();
});

const fast: SubscriptionOptions = {
  batchSize: 4,
  pollIntervalMs: 100,
  leaseMs: 1500,
  retry: { initialDelayMs: 20, maxDelayMs: 100 },
};

function start(
  name: string,
  handler: Parameters<EventStore['subscribe']>[1],
  options: SubscriptionOptions,
): Subscription {
  const subscription = store.subscribe(name, handler, { ...fast, ...options });
  running.push(subscription);
  void subscription.start();
  return subscription;
}

const appendMany = (prefix: string, streams: number, perStream: number) =>
  appendManyTo(store, prefix, streams, perStream);

async function effects(name: string): Promise<string[]> {
  const { rows } = await store.pool.query(
    `SELECT event_id FROM "${fixture.schema}".effects WHERE subscription = $1 ORDER BY seq`,
    [name],
  );
  return rows.map((r: { event_id: string }) => r.event_id);
}

const recordEffects = (name: string) => async (events: readonly RecordedEvent[], tx: PoolClient) => {
  await tx.query(`INSERT INTO "${fixture.schema}".effects (subscription, event_id) SELECT $1, unnest($2::uuid[])`, [
    name,
    events.map((e) => e.eventId),
  ]);
};

/**
 * The page reads a subscription makes on the pool (its reads ahead; a batch's own read runs on its batch client).
 * A pass-through spy: every query still goes to PostgreSQL.
 */
function poolReads(): () => Array<Promise<unknown>> {
  const spy = jest.spyOn(store.pool, 'query');
  return () =>
    spy.mock.calls.flatMap((call, i) =>
      (call[0] as unknown as QueryConfig).name?.endsWith('_read_all')
        ? [spy.mock.results[i].value as Promise<unknown>]
        : [],
    );
}

describe('subscription read ahead', () => {
  it('reads the next page while a batch is in flight and never moves the checkpoint before the handler returns', async () => {
    const ids = await appendMany('pf1', 3, 4); // 12 events: three full pages of 4
    const reads = poolReads();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls: string[][] = [];
    const subscription = start(
      'pf-1',
      async (events, tx) => {
        calls.push(events.map((e) => e.eventId));
        if (calls.length === 1) await gate; // the first batch is "in flight" until released
        await recordEffects('pf-1')(events, tx);
      },
      { streamTypes: ['pf1'] },
    );

    try {
      await waitFor(
        () => calls.length === 1 && reads().length >= 1,
        'the first batch in flight and the next page read',
      );
      await reads()[0]; // the page read ahead has arrived
      expect(calls).toHaveLength(1); // it waits for the batch before it
      // the checkpoint is still the one before the batch in flight (START, or a horizon an empty filtered read
      // settled), never past its first event
      const held = (await store.subscriptionStatus('pf-1'))?.checkpoint ?? START;
      expect(held).toEqual(subscription.checkpoint());
      const first = (await store.readAll({ limit: 1, streamTypes: ['pf1'] })).events[0];
      expect(first.eventId).toBe(ids[0]);
      expect(
        compareCheckpoints(held, { transactionId: first.transactionId, globalPosition: first.globalPosition }),
      ).toBeLessThan(0);
    } finally {
      release(); // a blocked handler would hold its transaction (and the server's horizon) open
    }
    await waitFor(async () => (await effects('pf-1')).length >= ids.length, 'all events handled');
    expect(calls.flat()).toEqual(ids); // pages in log order (a long transaction elsewhere on the server may cut one short)
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(4);
    expect(await effects('pf-1')).toEqual(ids);
    const last = (await store.readAll({ limit: 1000, streamTypes: ['pf1'] })).events.at(-1) as RecordedEvent;
    const checkpoint = (await store.subscriptionStatus('pf-1'))?.checkpoint ?? START;
    expect(
      compareCheckpoints(checkpoint, { transactionId: last.transactionId, globalPosition: last.globalPosition }),
    ).toBeGreaterThanOrEqual(0);
  });

  it('drops the page read ahead when a batch fails and retries that batch first, in log order', async () => {
    const ids = await appendMany('pf2', 4, 3); // 12 events
    const reads = poolReads();
    const calls: string[][] = [];
    let failed = false;
    start(
      'pf-2',
      async (events, tx) => {
        calls.push(events.map((e) => e.eventId));
        await recordEffects('pf-2')(events, tx);
        if (calls.length === 2 && !failed) {
          failed = true;
          await reads().at(-1); // the next page has been read ahead by now: it must not be handled before this batch
          throw new Error('the broker refused the batch');
        }
      },
      { streamTypes: ['pf2'], onError: () => undefined },
    );

    await waitFor(async () => (await effects('pf-2')).length >= ids.length, 'all events handled');
    expect(failed).toBe(true);
    expect(reads().length).toBeGreaterThanOrEqual(1);
    // the retry starts with exactly the failed batch's events (a fresh read may add more after them)
    expect(calls[2].slice(0, calls[1].length)).toEqual(calls[1]);
    expect([calls[0], ...calls.slice(2)].flat()).toEqual(ids);
    expect(await effects('pf-2')).toEqual(ids); // the failed batch's effects rolled back with it: each event once
  });

  it('gives each page read ahead to prepare before its batch, and the handler that very page', async () => {
    const ids = await appendMany('pf4', 3, 4); // 12 events: three full pages of 4
    const prepared: (readonly RecordedEvent[])[] = [];
    const handled: { events: readonly RecordedEvent[]; wasPrepared: boolean }[] = [];
    start(
      'pf-4',
      async (events, tx) => {
        handled.push({ events, wasPrepared: prepared.includes(events) });
        await recordEffects('pf-4')(events, tx);
      },
      {
        streamTypes: ['pf4'],
        prepare: (events) => {
          prepared.push(events);
          if (prepared.length === 1) throw new Error('a mapper that fails'); // ignored here: the handler decides
        },
      },
    );
    await waitFor(async () => (await effects('pf-4')).length >= ids.length, 'all events handled');
    expect(handled.flatMap((h) => h.events.map((e) => e.eventId))).toEqual(ids);
    expect(handled[0].wasPrepared).toBe(false); // read by its batch itself
    // the pages after a full one were read ahead (a long transaction elsewhere on the server may cut one short)
    const readAhead = handled.filter((_, i) => i > 0 && handled[i - 1].events.length === 4);
    expect(readAhead.length).toBeGreaterThan(0);
    expect(readAhead.every((h) => h.wasPrepared)).toBe(true);
  });

  it('without prefetch reads every page in the batch itself', async () => {
    const ids = await appendMany('pf3', 2, 4);
    const reads = poolReads();
    start('pf-3', recordEffects('pf-3'), { streamTypes: ['pf3'], prefetch: false });
    await waitFor(async () => (await effects('pf-3')).length >= ids.length, 'all events handled');
    expect(reads()).toHaveLength(0);
    expect(await effects('pf-3')).toEqual(ids);
  });
});

describe('subscription outside a transaction', () => {
  it('advances after the handler returned, keeps effects a failing handler made, and leaves synchronous_commit alone', async () => {
    const small = await createTestEventStore({ prefix: 'subs_nt', poolSize: 1 }); // one connection: every statement shares it
    try {
      await small.store.append(
        'nt-1',
        'no_stream',
        [1, 2, 3, 4, 5, 6].map((n) => ({ type: 'Step', data: { n } })),
      );
      const seenTable = `"${small.schema}".seen`;
      await small.store.pool.query(`CREATE TABLE ${seenTable} (event_id uuid, attempt int, seq bigserial)`);
      let attempt = 0;
      const subscription = small.store.subscribe(
        'nt',
        async (events, client) => {
          attempt += 1;
          // autocommit: this row stays even though the handler then fails
          await client.query(`INSERT INTO ${seenTable} (event_id, attempt) SELECT unnest($1::uuid[]), $2`, [
            events.map((e) => e.eventId),
            attempt,
          ]);
          if (attempt === 1) throw new Error('first attempt fails');
        },
        { ...fast, transactional: false, synchronousCommit: false, onError: () => undefined },
      );
      let all: RecordedEvent[] = [];
      await waitFor(
        async () => (all = (await small.store.readAll({ limit: 100 })).events).length === 6,
        'the events visible',
      );
      const seen = async () =>
        (
          await small.store.pool.query<{ event_id: string; attempt: number }>(
            `SELECT event_id, attempt FROM ${seenTable} ORDER BY seq`,
          )
        ).rows;
      await subscription.start();
      try {
        await waitFor(
          async () => (await seen()).filter((r) => r.attempt > 1).length >= all.length,
          'every event handled after the failure',
        );
      } finally {
        await subscription.stop();
      }
      const rows = await seen();
      const first = rows.filter((r) => r.attempt === 1).map((r) => r.event_id);
      const after = rows.filter((r) => r.attempt > 1).map((r) => r.event_id);
      expect(first.length).toBeGreaterThan(0); // kept: no transaction rolled it back
      expect(after).toEqual(all.map((e) => e.eventId)); // the failed batch again, then the rest: once each, in order
      // the advance turned synchronous_commit off for its own transaction only, not for the pooled connection
      expect((await small.store.pool.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
      const last = all[all.length - 1];
      expect(
        compareCheckpoints((await small.store.subscriptionStatus('nt'))?.checkpoint ?? START, {
          transactionId: last.transactionId,
          globalPosition: last.globalPosition,
        }),
      ).toBeGreaterThanOrEqual(0);
    } finally {
      await small.drop();
    }
  });
});
