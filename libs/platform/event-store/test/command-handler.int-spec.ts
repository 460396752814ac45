import { Client } from 'pg';
import { ConcurrencyError, IdempotencyKeyReused, type EventStore, type SnapshotPolicy } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { CounterLimitExceeded, counterDecider, meta, waitFor, type Counter } from './fixtures';

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'commands', poolSize: 12 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
  // Creating the schema and pool takes well under a second alone, and longer than jest's 5 s on a loaded machine.
}, 60_000);

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

describe('command handler', () => {
  const handler = () => store.commandHandler({ decider: counterDecider, streamType: 'counter' });

  it('loads, decides and appends, with metadata from the command', async () => {
    const h = handler();
    const opened = await h.handle('counter-1', {
      type: 'Open',
      data: { limit: 10 },
      metadata: meta({ correlationId: 'corr-1' }),
    });
    expect(opened).toMatchObject({
      nextExpectedVersion: 1,
      idempotentReplay: false,
      state: { status: 'open', limit: 10 },
    });
    expect(opened.events[0]).toMatchObject({
      type: 'Opened',
      streamType: 'counter',
      streamVersion: 1,
      data: { limit: 10 },
      metadata: { actor: 'tester', correlationId: 'corr-1' },
      occurredAt: new Date('2025-05-06T07:08:09.000Z'),
    });
    const added = await h.handle('counter-1', { type: 'Add', data: { amount: 4 }, metadata: meta() });
    expect(added).toMatchObject({ nextExpectedVersion: 2, state: { total: 4 } });
  });

  it('appends nothing for a request already satisfied, and lets domain errors through', async () => {
    const h = handler();
    await h.handle('counter-2', { type: 'Open', data: { limit: 1 }, metadata: meta() });
    const again = await h.handle('counter-2', { type: 'Open', data: { limit: 1 }, metadata: meta() });
    expect(again).toMatchObject({ nextExpectedVersion: 1, events: [] });
    await expect(h.handle('counter-2', { type: 'Add', data: { amount: 2 }, metadata: meta() })).rejects.toMatchObject({
      code: 'COUNTER_LIMIT_EXCEEDED',
    });
    expect(await store.streamVersion('counter-2')).toBe(1);
  });

  it('retries on conflicts, so concurrent commands all land and the rule still holds', async () => {
    const h = handler();
    await h.handle('counter-3', { type: 'Open', data: { limit: 1000 }, metadata: meta() });
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        h.handle('counter-3', { type: 'Add', data: { amount: 1 }, metadata: meta() }, { conflictRetries: 30 }),
      ),
    );
    expect(new Set(results.map((r) => r.nextExpectedVersion)).size).toBe(12);
    expect((await store.load('counter-3', counterDecider)).state.total).toBe(12);
  });

  it('does not retry a command pinned to a version the caller saw', async () => {
    const h = handler();
    await h.handle('counter-4', { type: 'Open', data: { limit: 10 }, metadata: meta() });
    await expect(
      h.handle('counter-4', { type: 'Add', data: { amount: 1 }, metadata: meta() }, { expectedVersion: 0 }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(
      (await h.handle('counter-4', { type: 'Add', data: { amount: 1 }, metadata: meta() }, { expectedVersion: 1 }))
        .nextExpectedVersion,
    ).toBe(2);
  });

  it('replays a command retried with its idempotency key instead of deciding again', async () => {
    const h = handler();
    await h.handle('counter-5', { type: 'Open', data: { limit: 10 }, metadata: meta() });
    const first = await h.handle('counter-5', {
      type: 'Add',
      data: { amount: 3 },
      metadata: meta({ idempotencyKey: 'add-3' }),
    });
    const retry = await h.handle('counter-5', {
      type: 'Add',
      data: { amount: 3 },
      metadata: meta({ idempotencyKey: 'add-3', now: '2025-06-01T00:00:00.000Z' }),
    });
    expect(retry).toMatchObject({ idempotentReplay: true, nextExpectedVersion: 2, state: { total: 3 } });
    expect(retry.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect(first.events[0].metadata.idempotencyKey).toBe('add-3');
    await expect(
      h.handle('counter-5', { type: 'Add', data: { amount: 4 }, metadata: meta({ idempotencyKey: 'add-3' }) }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
    expect(await store.streamVersion('counter-5')).toBe(2);
  });
});

describe('a per-call toEventInput', () => {
  it('stores what it makes of each event, given the state decided on, and may wait for I/O first', async () => {
    const h = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    await h.handle('counter-t1', { type: 'Open', data: { limit: 100 }, metadata: meta() });
    const seen: unknown[] = [];
    const added = await h.handle(
      'counter-t1',
      { type: 'Add', data: { amount: 7 }, metadata: meta({ correlationId: 'c-7' }) },
      {
        async toEventInput(event, command, state) {
          seen.push([event, command.type, state]);
          await new Promise((resolve) => setTimeout(resolve, 5));
          return {
            type: event.type,
            data: { amount: 7, sealed: 'token' },
            metadata: { correlationId: command.metadata.correlationId },
          };
        },
      },
    );
    expect(seen).toEqual([
      [{ type: 'Added', data: { amount: 7 } }, 'Add', expect.objectContaining({ total: 0, limit: 100 })],
    ]);
    expect(added.events[0]).toMatchObject({
      type: 'Added',
      data: { amount: 7, sealed: 'token' },
      metadata: { correlationId: 'c-7' },
    });
    const { rows } = await sql.query(`SELECT data FROM events WHERE stream_id = 'counter-t1' ORDER BY stream_version`);
    expect(rows.map((row) => row.data)).toEqual([{ limit: 100 }, { amount: 7, sealed: 'token' }]);
    // Only that call: the next one stores the decided events as the handler does.
    expect(
      (await h.handle('counter-t1', { type: 'Add', data: { amount: 1 }, metadata: meta() })).events[0].data,
    ).toEqual({ amount: 1 });
  });

  it('runs again on a fresh state when it failed on a cached one, and its own failures reach the caller', async () => {
    const a = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    const b = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    await a.handle('counter-t2', { type: 'Open', data: { limit: 100 }, metadata: meta() });
    await b.handle('counter-t2', { type: 'Add', data: { amount: 5 }, metadata: meta() }); // a's cache is behind
    const totals: number[] = [];
    const toEventInput = (event: { type: string; data: object }, _command: unknown, state: { total: number }) => {
      totals.push(state.total);
      if (state.total === 0) throw new Error('refused on a stale state');
      return { type: event.type, data: event.data };
    };
    expect(
      (await a.handle('counter-t2', { type: 'Add', data: { amount: 1 }, metadata: meta() }, { toEventInput })).state
        .total,
    ).toBe(6);
    expect(totals).toEqual([0, 5]);
    const failing = () => Promise.reject(new Error('no key'));
    await expect(
      a.handle('counter-t2', { type: 'Add', data: { amount: 1 }, metadata: meta() }, { toEventInput: failing }),
    ).rejects.toThrow('no key');
    expect(await store.streamVersion('counter-t2')).toBe(3);
  });
});

describe('the state cache of a handler', () => {
  const add = (amount: number) => ({ type: 'Add' as const, data: { amount }, metadata: meta() });

  it('appends from its cache in one round trip and catches up when another process wrote', async () => {
    const a = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    const b = store.commandHandler({ decider: counterDecider, streamType: 'counter' }); // another process, another cache
    await a.handle('counter-c1', { type: 'Open', data: { limit: 100 }, metadata: meta() });
    for (let i = 0; i < 6; i++) await (i % 2 ? a : b).handle('counter-c1', add(i + 1));
    const last = await a.handle('counter-c1', add(10));
    expect(last).toMatchObject({ nextExpectedVersion: 8, state: { total: 31, adds: 7 } });
    expect(last.state).toEqual((await store.load('counter-c1', counterDecider)).state);
  });

  it('decides again on a fresh state before believing a refusal or a no-op from its cache', async () => {
    const a = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    const b = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
    await a.handle('counter-c2', { type: 'Open', data: { limit: 1 }, metadata: meta() });
    await a.handle('counter-c2', add(1)); // a's cache: at the limit
    await b.handle('counter-c2', { type: 'RaiseLimit', data: { limit: 5 }, metadata: meta() });
    expect(await a.handle('counter-c2', add(1))).toMatchObject({
      nextExpectedVersion: 4,
      state: { total: 2, limit: 5 },
    });

    await b.handle('counter-c2', { type: 'RaiseLimit', data: { limit: 9 }, metadata: meta() });
    // a's cache says the limit is 5, so raising to 7 looks like work; the fresh state says it is already satisfied.
    expect(await a.handle('counter-c2', { type: 'RaiseLimit', data: { limit: 7 }, metadata: meta() })).toMatchObject({
      events: [],
      nextExpectedVersion: 5,
    });
    await expect(a.handle('counter-c2', add(100))).rejects.toBeInstanceOf(CounterLimitExceeded);
  });

  it('can be turned off', async () => {
    const h = store.commandHandler({ decider: counterDecider, streamType: 'counter', cache: false });
    await h.handle('counter-c3', { type: 'Open', data: { limit: 3 }, metadata: meta() });
    expect((await h.handle('counter-c3', add(3))).state.total).toBe(3);
  });
});

describe('snapshots', () => {
  const snapshot = (version: string, every = 10): SnapshotPolicy<Counter> => ({ every, version });
  const snapshotRows = async (streamId: string) =>
    (
      await sql.query('SELECT snapshot_version, stream_version::int AS at, state FROM snapshots WHERE stream_id = $1', [
        streamId,
      ])
    ).rows;

  it('writes one every N events and loads from it', async () => {
    const h = store.commandHandler({ decider: counterDecider, streamType: 'counter', snapshot: snapshot('v1') });
    await h.handle('counter-s1', { type: 'Open', data: { limit: 1000 }, metadata: meta() });
    for (let i = 0; i < 24; i++) await h.handle('counter-s1', { type: 'Add', data: { amount: 1 }, metadata: meta() });
    await waitFor(async () => (await snapshotRows('counter-s1'))[0]?.at === 20, 'the snapshot at version 20');
    const loaded = await store.load('counter-s1', counterDecider, { snapshot: snapshot('v1') });
    expect(loaded).toMatchObject({ version: 25, snapshotVersion: 20, eventsFolded: 5, state: { total: 24, adds: 24 } });
    expect(loaded.state).toEqual((await store.load('counter-s1', counterDecider)).state);
  });

  it('ignores snapshots of another version, replaces them, and writes one on a long load', async () => {
    await store.append('counter-s2', 'no_stream', [
      { type: 'Opened', data: { limit: 1000 } },
      ...Array.from({ length: 30 }, () => ({ type: 'Added', data: { amount: 2 } })),
    ]);
    // A snapshot from an older fold, with a state that is wrong under the current one.
    await store.writeSnapshot('counter-s2', snapshot('v1'), { status: 'open', total: -1, limit: 0, adds: 0 }, 31);
    expect((await store.load('counter-s2', counterDecider, { snapshot: snapshot('v1') })).state.total).toBe(-1);

    const current = await store.load('counter-s2', counterDecider, { snapshot: snapshot('v2') });
    expect(current).toMatchObject({ version: 31, snapshotVersion: undefined, eventsFolded: 31, state: { total: 60 } });
    await waitFor(
      async () => (await snapshotRows('counter-s2')).some((r) => r.snapshot_version === 'v2'),
      'a v2 snapshot',
    );
    expect(await snapshotRows('counter-s2')).toEqual([
      { snapshot_version: 'v2', at: 31, state: { status: 'open', total: 60, limit: 1000, adds: 30 } },
    ]);
    expect(await store.load('counter-s2', counterDecider, { snapshot: snapshot('v2') })).toMatchObject({
      snapshotVersion: 31,
      eventsFolded: 0,
      state: { total: 60 },
    });
  });

  it('serialises state through the policy when it is not plain JSON', async () => {
    interface Seen {
      skus: Set<string>;
    }
    const fold = {
      initialState: { skus: new Set<string>() } as Seen,
      evolve: (s: Seen, e: { data: { sku: string } }) => ({ skus: new Set([...s.skus, e.data.sku]) }),
    };
    const policy: SnapshotPolicy<Seen> = {
      every: 2,
      version: 1,
      toSnapshot: (s) => [...s.skus],
      fromSnapshot: (j) => ({ skus: new Set(j as string[]) }),
    };
    await store.append(
      'basket-s3',
      'no_stream',
      ['a', 'b', 'c'].map((sku) => ({ type: 'Seen', data: { sku } })),
    );
    await store.load('basket-s3', fold, { snapshot: policy });
    await waitFor(async () => (await snapshotRows('basket-s3')).length === 1, 'the snapshot');
    const loaded = await store.load('basket-s3', fold, { snapshot: policy });
    expect(loaded.snapshotVersion).toBe(3);
    expect([...loaded.state.skus].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('upcasting', () => {
  it('reads old stored events in the current shape, and writes new ones in it', async () => {
    const upcasted = await createTestEventStore({
      prefix: 'upcast',
      upcasters: [
        {
          type: 'Added',
          fromSchemaVersion: 1,
          upcast: (data: { amount: string }) => ({ amount: Number(data.amount) }),
        },
        {
          type: 'CounterOpened',
          fromSchemaVersion: 1,
          toType: 'Opened',
          upcast: (data: { max: number }) => ({ limit: data.max }),
        },
      ],
    });
    try {
      const s = upcasted.store;
      // Events as an older release stored them: a renamed type, a string amount.
      await s.append('counter-u1', 'no_stream', [
        { type: 'CounterOpened', schemaVersion: 1, data: { max: 50 } },
        { type: 'Added', schemaVersion: 1, data: { amount: '7' } },
      ]);
      expect((await s.readStream('counter-u1')).map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
        ['Opened', 2, { limit: 50 }],
        ['Added', 2, { amount: 7 }],
      ]);
      const h = s.commandHandler({ decider: counterDecider, streamType: 'counter' });
      const result = await h.handle('counter-u1', { type: 'Add', data: { amount: 3 }, metadata: meta() });
      expect(result.state).toMatchObject({ total: 10, limit: 50 });
      expect(result.events[0].schemaVersion).toBe(2);
      const stored = await upcasted.store.pool.query(
        `SELECT type, schema_version, data FROM "${upcasted.schema}".events ORDER BY stream_version`,
      );
      expect(stored.rows.map((r) => [r.type, r.schema_version])).toEqual([
        ['CounterOpened', 1],
        ['Added', 1],
        ['Added', 2],
      ]);
      let page = await s.readAll();
      await waitFor(async () => (page = await s.readAll()).events.length === 3, 'the events to be readable');
      expect(page.events.map((e) => e.type)).toEqual(['Opened', 'Added', 'Added']);
      expect((await s.verifyStream('counter-u1')).ok).toBe(true); // verification reads stored bytes, not upcast ones
    } finally {
      await upcasted.drop();
    }
  });
});
