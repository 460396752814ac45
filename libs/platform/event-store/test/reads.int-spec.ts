import { Client } from 'pg';
import { START, type Checkpoint, type EventStore, type RecordedEvent } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { counterDecider, waitFor } from './fixtures';

let fixture: TestEventStore;
let store: EventStore;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'reads' });
  store = fixture.store;
});

afterAll(() => fixture?.drop());

// The safe horizon waits for transactions appending to this store (another test's, say, when the tests share
// one): assertions on the global log therefore wait until the expected events are readable.
async function settled(
  after: Checkpoint,
  count: number,
  options: { limit?: number; streamTypes?: string[]; eventTypes?: string[] } = {},
) {
  let result = await readAllFrom(after, options);
  await waitFor(
    async () => (result = await readAllFrom(after, options)).events.length >= count && !result.pending,
    `${count} readable events`,
  );
  return result;
}

async function readAllFrom(
  after: Checkpoint,
  options: { limit?: number; streamTypes?: string[]; eventTypes?: string[] } = {},
) {
  const events: RecordedEvent[] = [];
  let checkpoint = after;
  for (;;) {
    const page = await store.readAll({ after: checkpoint, ...options });
    events.push(...page.events);
    checkpoint = page.checkpoint;
    if (page.events.length < (options.limit ?? 1000)) return { events, checkpoint, pending: page.pending };
  }
}

describe('reading a stream', () => {
  it('reads a range of versions', async () => {
    await store.append(
      'order-r1',
      'no_stream',
      Array.from({ length: 10 }, (_, i) => ({ type: 'N', data: { i } })),
    );
    const versions = async (options: Parameters<EventStore['readStream']>[1]) =>
      (await store.readStream('order-r1', options)).map((e) => e.streamVersion);
    expect(await versions({ fromVersion: 4 })).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(await versions({ toVersion: 3 })).toEqual([1, 2, 3]);
    expect(await versions({ fromVersion: 5, toVersion: 6 })).toEqual([5, 6]);
    expect(await versions({ fromVersion: 2, limit: 2 })).toEqual([2, 3]);
    expect(await store.readStream('order-nothing')).toEqual([]);
  });

  it('travels in time: events and state as of an instant', async () => {
    const handler = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    const meta = { now: '2025-01-01T00:00:00.000Z' };
    await handler.handle('counter-tt', { type: 'Open', data: { limit: 100 }, metadata: meta });
    await handler.handle('counter-tt', { type: 'Add', data: { amount: 5 }, metadata: meta });
    const [, added] = await store.readStream('counter-tt');
    // recorded_at has microseconds, Date has milliseconds: the next millisecond is after the second event.
    const between = new Date(added.recordedAt.getTime() + 1);
    await waitFor(
      async () =>
        (
          await fixture.store.pool.query(
            "SELECT clock_timestamp() > $1::timestamptz + interval '2 millisecond' AS later",
            [between],
          )
        ).rows[0].later,
      'the clock to move',
    );
    await handler.handle('counter-tt', { type: 'Add', data: { amount: 7 }, metadata: meta });
    await handler.handle('counter-tt', { type: 'Close', data: {}, metadata: meta });

    expect((await store.readStream('counter-tt', { asOf: between })).map((e) => e.type)).toEqual(['Opened', 'Added']);
    expect(await store.readStream('counter-tt', { asOf: new Date(0) })).toEqual([]);
    const past = await store.load('counter-tt', counterDecider, { asOf: between });
    expect(past).toMatchObject({ version: 2, state: { status: 'open', total: 5 } });
    const now = await store.load('counter-tt', counterDecider);
    expect(now).toMatchObject({ version: 4, state: { status: 'closed', total: 12 } });
  });
});

describe('reading the global log', () => {
  it('pages through every event in commit order, with filters', async () => {
    const start = (await settled(START, 0)).checkpoint;
    await store.append('cart-g1', 'any', [
      { type: 'CartOpened', data: {} },
      { type: 'ItemAdded', data: {} },
    ]);
    await store.append('order-g1', 'any', [{ type: 'OrderPlaced', data: {} }]);
    await store.append('cart-g1', 'any', [{ type: 'ItemAdded', data: {} }]);

    const all = await settled(start, 4, { limit: 2 });
    expect(all.events.map((e) => `${e.streamId}:${e.type}`)).toEqual([
      'cart-g1:CartOpened',
      'cart-g1:ItemAdded',
      'order-g1:OrderPlaced',
      'cart-g1:ItemAdded',
    ]);
    expect((await readAllFrom(start, { streamTypes: ['cart'] })).events).toHaveLength(3);
    expect((await readAllFrom(start, { eventTypes: ['ItemAdded', 'OrderPlaced'] })).events.map((e) => e.type)).toEqual([
      'ItemAdded',
      'OrderPlaced',
      'ItemAdded',
    ]);
    let filtered = await readAllFrom(start, { eventTypes: ['NeverHappens'] });
    await waitFor(
      async () =>
        BigInt((filtered = await readAllFrom(start, { eventTypes: ['NeverHappens'] })).checkpoint.transactionId) >
        BigInt(all.events[3].transactionId),
      'the horizon to pass',
    );
    expect(filtered.events).toEqual([]);
    expect(BigInt(filtered.checkpoint.transactionId)).toBeGreaterThan(BigInt(start.transactionId)); // skipped for good
    expect((await readAllFrom(all.checkpoint)).events).toEqual([]);
  });

  it('never skips a transaction that commits late, and reads it in transaction order', async () => {
    const start = (await settled(START, 0)).checkpoint;
    const early = new Client({ connectionString: fixture.connectionString });
    await early.connect();
    try {
      await early.query('BEGIN');
      await store.appendWithin(early, 'order-late', 'no_stream', [{ type: 'Early', data: {} }]);
      // A later transaction commits first: it gets a larger position but must not be read before the early one.
      await store.append('order-quick', 'no_stream', [{ type: 'Quick', data: {} }]);

      const whileOpen = await readAllFrom(start);
      expect(whileOpen.events).toEqual([]);
      expect(whileOpen.pending).toBe(true);

      await early.query('COMMIT');
      const after = await settled(whileOpen.checkpoint, 2);
      expect(after.events.map((e) => e.type)).toEqual(['Early', 'Quick']);
      expect(BigInt(after.events[0].globalPosition)).toBeLessThan(BigInt(after.events[1].globalPosition));
      expect(after.pending).toBe(false);
    } finally {
      await early.end();
    }
  });

  it('is not held back by an open transaction that does not append to this store', async () => {
    const start = (await settled(START, 0)).checkpoint;
    const other = new Client({ connectionString: fixture.connectionString });
    await other.connect();
    try {
      // Another store, a projection or a psql session: a transaction with an id, open for as long as it likes.
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      await store.append('order-unblocked', 'no_stream', [{ type: 'Unblocked', data: {} }]);
      // The first read computes a horizon; with the server-wide snapshot xmin the open transaction would hold it.
      const page = await readAllFrom(start);
      expect(page.events.map((e) => e.type)).toEqual(['Unblocked']);
      expect(page.pending).toBe(false);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('is held back to the oldest running id while an appender holds its lock without a registered id', async () => {
    const other = new Client({ connectionString: fixture.connectionString });
    const holder = new Client({ connectionString: fixture.connectionString });
    await Promise.all([other.connect(), holder.connect()]);
    try {
      // PostgreSQL shows a new id as running a moment before it registers the id's lock: an appender caught there
      // holds the store's lock and shows no id in pg_locks. Its id may be any running one, like this one here.
      await other.query('BEGIN');
      const running = BigInt((await other.query<{ id: string }>('SELECT pg_current_xact_id()::text AS id')).rows[0].id);
      // A newer transaction ends, so the snapshot's xmax is past the running id: only the fallback keeps below it.
      await store.append('order-newer', 'no_stream', [{ type: 'Newer', data: {} }]);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [fixture.schema, 'order-caught']);
      const held = await store.readAll({ after: START, limit: 1 });
      expect(BigInt(held.horizon)).toBeLessThanOrEqual(running);
      // Without such a holder the open transaction, which never appends here, does not hold the horizon back: the
      // test before this one shows it (here the horizon may equal its id when nothing newer has ended yet).
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await holder.query('ROLLBACK').catch(() => undefined);
      await Promise.all([other.end(), holder.end()]);
    }
  });

  it('never returns rolled-back events', async () => {
    const start = (await settled(START, 0)).checkpoint;
    const tx = new Client({ connectionString: fixture.connectionString });
    await tx.connect();
    try {
      await tx.query('BEGIN');
      await store.appendWithin(tx, 'order-undone', 'no_stream', [{ type: 'Undone', data: {} }]);
      await tx.query('ROLLBACK');
    } finally {
      await tx.end();
    }
    await store.append('order-done', 'no_stream', [{ type: 'Done', data: {} }]);
    expect((await settled(start, 1)).events.map((e) => e.type)).toEqual(['Done']);
  });
});
