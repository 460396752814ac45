// `overlapAdvance` (a relay's setting): the next batch's handler runs while the previous batch's checkpoint advance is
// still on its way. These specs hold that advance back with a row lock on the subscription's row and pin what must
// never change: checkpoints commit in log order, never past a batch whose advance failed, and a failed advance has
// both batches handled again from the last committed checkpoint.
import type { PoolClient } from 'pg';
import {
  compareCheckpoints,
  START,
  type Checkpoint,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { appendMany, waitFor } from './fixtures';

jest.setTimeout(30_000);

let fixture: TestEventStore;
let store: EventStore;
const running: Subscription[] = [];

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'subs_ov', poolSize: 5 });
  store = fixture.store;
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await fixture?.drop();
});

function start(name: string, handler: (events: RecordedEvent[]) => Promise<void>, streamType: string): Subscription {
  const subscription = store.subscribe(name, handler, {
    batchSize: 4,
    pollIntervalMs: 100,
    leaseMs: 1500,
    retry: { initialDelayMs: 20, maxDelayMs: 100 },
    streamTypes: [streamType],
    transactional: false,
    synchronousCommit: false,
    overlapAdvance: true,
    onError: () => undefined,
  });
  running.push(subscription);
  void subscription.start();
  return subscription;
}

/** A connection of its own holding the subscription's row locked: the runner's advance waits until it commits. */
async function lockRow(name: string): Promise<PoolClient> {
  const client = await store.pool.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM "${fixture.schema}".subscriptions WHERE name = $1 FOR UPDATE`, [name]);
  return client;
}

async function committed(name: string): Promise<Checkpoint> {
  return (await store.subscriptionStatus(name))?.checkpoint ?? START;
}

const positionOf = (event: RecordedEvent): Checkpoint => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('subscription with overlapAdvance', () => {
  it('handles the next batch while the advance before it runs, and commits checkpoints only in log order', async () => {
    const ids = await appendMany(store, 'ov1', 3, 4); // 12 events: three full pages of 4
    const calls: RecordedEvent[][] = [];
    const checkpointAtThird: Checkpoint[] = [];
    const firstHandled = gate();
    const rowLocked = gate();
    let secondReturned = false;
    let locker: PoolClient | undefined;
    start(
      'ov-1',
      async (events) => {
        calls.push(events);
        if (calls.length === 1) {
          firstHandled.open();
          await rowLocked.opened; // the first batch's advance will wait for the lock
        }
        if (calls.length === 2) secondReturned = true;
        if (calls.length === 3) checkpointAtThird.push(await committed('ov-1'));
      },
      'ov1',
    );

    try {
      await firstHandled.opened;
      locker = await lockRow('ov-1');
      rowLocked.open();
      // the second batch runs while the first one's advance is held back (bounded: the lock goes in any case)
      await waitFor(() => secondReturned, 'the second batch handled', 10_000);
      expect(await committed('ov-1')).toEqual(START);
      expect(calls).toHaveLength(2);
    } finally {
      await locker?.query('COMMIT');
      locker?.release();
    }

    await waitFor(() => calls.flat().length >= ids.length && checkpointAtThird.length > 0, 'every event handled');
    expect(calls.flat().map((e) => e.eventId)).toEqual(ids); // once each, in log order
    // the third batch started only once the first batch's advance had committed (the second's then waited on it)
    expect(
      compareCheckpoints(checkpointAtThird[0], positionOf(calls[0].at(-1) as RecordedEvent)),
    ).toBeGreaterThanOrEqual(0);
    const last = calls.flat().at(-1) as RecordedEvent;
    await waitFor(
      async () => compareCheckpoints(await committed('ov-1'), positionOf(last)) >= 0,
      'the last checkpoint',
    );
  });

  it('fails the batch after an advance that failed, and handles both again from the last committed checkpoint', async () => {
    const ids = await appendMany(store, 'ov2', 3, 4);
    const calls: RecordedEvent[][] = [];
    const firstHandled = gate();
    const rowLocked = gate();
    let secondCalled = false;
    let locker: PoolClient | undefined;
    start(
      'ov-2',
      async (events) => {
        calls.push(events);
        if (calls.length === 1) {
          firstHandled.open();
          await rowLocked.opened;
        }
        if (calls.length === 2) secondCalled = true;
      },
      'ov2',
    );

    try {
      await firstHandled.opened;
      locker = await lockRow('ov-2');
      rowLocked.open();
      await waitFor(() => secondCalled, 'the second batch handled', 10_000);
      // another runner takes the lease (expired at once, so this runner gets it back): the held advance finds its
      // lease gone when the lock goes, and fails
      await locker.query(
        `UPDATE "${fixture.schema}".subscriptions SET lease_owner = 'intruder', lease_expires_at = clock_timestamp() WHERE name = $1`,
        ['ov-2'],
      );
    } finally {
      await locker?.query('COMMIT');
      locker?.release();
    }

    await waitFor(() => calls.length >= 4, 'the first two batches handled again');
    // the retry starts before the first batch: neither its checkpoint nor the second's was committed
    expect(calls[2].map((e) => e.eventId)).toEqual(calls[0].map((e) => e.eventId));
    expect(calls[3].map((e) => e.eventId)).toEqual(calls[1].map((e) => e.eventId));
    const last = (await store.readAll({ limit: 100, streamTypes: ['ov2'] })).events.at(-1) as RecordedEvent;
    await waitFor(
      async () => compareCheckpoints(await committed('ov-2'), positionOf(last)) >= 0,
      'the last checkpoint',
    );
    expect(
      calls
        .slice(2)
        .flat()
        .map((e) => e.eventId),
    ).toEqual(ids);
  });
});
