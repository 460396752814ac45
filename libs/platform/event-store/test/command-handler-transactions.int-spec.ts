import { Client } from 'pg';
import { ConcurrencyError, withTransaction, type EventStore } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { counterDecider, meta } from './fixtures';

// The handler's options for writes that are more than an append: inside a caller's transaction, with rows written
// alongside the events, and on a stream assumed new. All against the real PostgreSQL.

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'commands_tx', poolSize: 8 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
  await sql.query('CREATE TABLE alongside (stream_id text NOT NULL, version int NOT NULL, note text)');
});

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

const handler = () => store.commandHandler({ decider: counterDecider, streamType: 'counter' });
const open = (limit = 100) => ({ type: 'Open' as const, data: { limit }, metadata: meta() });
const add = (amount: number) => ({ type: 'Add' as const, data: { amount }, metadata: meta() });
const rowsOf = async (streamId: string) =>
  (await sql.query('SELECT version, note FROM alongside WHERE stream_id = $1 ORDER BY version', [streamId])).rows;
type Writer = { query(text: string, values: unknown[]): Promise<unknown> };
/** Writes alongside: one row naming the version the events reached. */
const noteIn = (streamId: string, note = 'row') => async (tx: Writer, done: { version: number }) => {
  await tx.query(`INSERT INTO "${fixture.schema}".alongside (stream_id, version, note) VALUES ($1, $2, $3)`,
    [streamId, done.version, note]);
};

describe('inside a caller\'s transaction', () => {
  it('commits with the caller\'s own writes', async () => {
    const h = handler();
    await withTransaction(store.pool, async (tx) => {
      const opened = await h.handle('counter-w1', open(), { within: tx, alongside: noteIn('counter-w1', 'alongside') });
      expect(opened).toMatchObject({ nextExpectedVersion: 1, state: { status: 'open' } });
      await noteIn('counter-w1', 'caller')(tx, { version: 0 }); // the caller writes after the append, as the store needs
    });
    expect(await store.streamVersion('counter-w1')).toBe(1);
    expect(await rowsOf('counter-w1')).toEqual([{ version: 0, note: 'caller' }, { version: 1, note: 'alongside' }]);
  });

  it('is rolled back with it, and the handler then decides on what was committed', async () => {
    const h = handler();
    await h.handle('counter-w2', open(10));
    await expect(withTransaction(store.pool, async (tx) => {
      const added = await h.handle('counter-w2', add(4), { within: tx, alongside: noteIn('counter-w2') });
      expect(added).toMatchObject({ nextExpectedVersion: 2, state: { total: 4 } });
      throw new Error('the caller fails after the append');
    })).rejects.toThrow('the caller fails');
    expect(await store.streamVersion('counter-w2')).toBe(1);
    expect(await rowsOf('counter-w2')).toEqual([]);
    // Had the handler cached the rolled-back total of 4, adding 7 would pass the limit of 10.
    expect(await h.handle('counter-w2', add(7))).toMatchObject({ nextExpectedVersion: 2, state: { total: 7 } });
  });

  it('throws a conflict instead of retrying in a transaction only the caller can restart', async () => {
    const h = handler();
    await h.handle('counter-w3', open());
    const other = handler();
    const attempts: number[] = [];
    await expect(withTransaction(store.pool, (tx) => h.handle('counter-w3', add(1), {
      within: tx,
      // Another writer appends between this decision and its append.
      toEventInput: async (event, _command, state) => {
        attempts.push(state.total);
        if (attempts.length === 1) await other.handle('counter-w3', add(2));
        return { type: event.type, data: event.data };
      },
    }))).rejects.toBeInstanceOf(ConcurrencyError);
    expect(attempts).toEqual([0]);
    expect((await store.load('counter-w3', counterDecider)).state.total).toBe(2);
  });
});

describe('writes alongside the append', () => {
  it('commit with the events, once, and see the state and events appended', async () => {
    const h = handler();
    await h.handle('counter-a1', open());
    const seen: unknown[] = [];
    const added = await h.handle('counter-a1', add(3), {
      alongside: async (tx, done) => {
        seen.push({ total: done.state.total, events: done.events, version: done.version, recorded: done.recorded.length });
        await noteIn('counter-a1')(tx, done);
      },
    });
    expect(added.nextExpectedVersion).toBe(2);
    expect(seen).toEqual([
      { total: 3, events: [{ type: 'Added', data: { amount: 3 }, metadata: expect.any(Object) }], version: 2, recorded: 1 },
    ]);
    expect(await rowsOf('counter-a1')).toEqual([{ version: 2, note: 'row' }]);
  });

  it('do not run when nothing is decided, nor for an idempotent replay', async () => {
    const h = handler();
    const writes = jest.fn(noteIn('counter-a2'));
    await h.handle('counter-a2', open(), { alongside: writes });
    await h.handle('counter-a2', open(), { alongside: writes }); // already open: nothing to do
    const keyed = { ...add(1), metadata: meta({ idempotencyKey: 'a2-add' }) };
    await h.handle('counter-a2', keyed, { alongside: writes });
    expect(await h.handle('counter-a2', keyed, { alongside: writes }))
      .toMatchObject({ idempotentReplay: true, nextExpectedVersion: 2 });
    expect(writes).toHaveBeenCalledTimes(2);
    expect(await rowsOf('counter-a2')).toEqual([{ version: 1, note: 'row' }, { version: 2, note: 'row' }]);
  });

  it('roll the events back when they fail', async () => {
    const h = handler();
    await h.handle('counter-a3', open());
    await expect(h.handle('counter-a3', add(1), {
      alongside: async (tx, done) => {
        await noteIn('counter-a3')(tx, done);
        throw new Error('the index refuses');
      },
    })).rejects.toThrow('the index refuses');
    expect(await store.streamVersion('counter-a3')).toBe(1);
    expect(await rowsOf('counter-a3')).toEqual([]);
    expect((await h.handle('counter-a3', add(2))).state.total).toBe(2); // the cache did not learn the rolled-back add
  });

  it('are rolled back on a conflict: a pinned command writes nothing, a retried one writes once', async () => {
    const h = handler();
    const other = handler();
    await h.handle('counter-a4', open());
    let interfere = true;
    const toEventInput = async (event: { type: string; data: object }) => {
      if (interfere) {
        interfere = false;
        await other.handle('counter-a4', add(5));
      }
      return { type: event.type, data: event.data };
    };
    await expect(h.handle('counter-a4', add(1), { expectedVersion: 1, toEventInput, alongside: noteIn('counter-a4') }))
      .rejects.toBeInstanceOf(ConcurrencyError);
    expect(await rowsOf('counter-a4')).toEqual([]);

    interfere = true;
    const retried = await h.handle('counter-a4', add(1), { toEventInput, alongside: noteIn('counter-a4') });
    expect(retried).toMatchObject({ nextExpectedVersion: 4, state: { total: 11 } });
    expect(await rowsOf('counter-a4')).toEqual([{ version: 4, note: 'row' }]);
  });

  it('keep concurrent commands consistent: one row per appended event', async () => {
    const h = handler();
    await h.handle('counter-a5', open(1000));
    await Promise.all(Array.from({ length: 8 }, () =>
      h.handle('counter-a5', add(1), { conflictRetries: 30, load: 'fresh', alongside: noteIn('counter-a5') })));
    expect(await store.streamVersion('counter-a5')).toBe(9);
    expect((await rowsOf('counter-a5')).map((row) => row.version)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('load modes', () => {
  it('assume-empty appends a new stream without reading it', async () => {
    const h = handler();
    const load = jest.spyOn(store, 'load');
    try {
      const opened = await h.handle('counter-e1', open(5), { load: 'empty', alongside: noteIn('counter-e1') });
      expect(opened).toMatchObject({ nextExpectedVersion: 1, state: { status: 'open', limit: 5 } });
      expect(load).not.toHaveBeenCalled();
    } finally {
      load.mockRestore();
    }
    expect(await rowsOf('counter-e1')).toEqual([{ version: 1, note: 'row' }]);
  });

  it('assume-empty on an existing stream is a conflict, with nothing written', async () => {
    const h = handler();
    await h.handle('counter-e2', open(5));
    const writes = jest.fn(noteIn('counter-e2'));
    await expect(h.handle('counter-e2', open(9), { load: 'empty', alongside: writes })).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(withTransaction(store.pool, (tx) => h.handle('counter-e2', open(9), { load: 'empty', within: tx })))
      .rejects.toBeInstanceOf(ConcurrencyError);
    expect(writes).not.toHaveBeenCalled();
    expect(await store.streamVersion('counter-e2')).toBe(1);
    expect((await store.load('counter-e2', counterDecider)).state.limit).toBe(5);
  });

  it('fresh decides on the stored state even when the handler\'s cache is behind', async () => {
    const a = handler();
    const b = handler();
    await a.handle('counter-f1', open());
    await b.handle('counter-f1', add(5)); // a's cache is behind
    const totals: number[] = [];
    const toEventInput = (event: { type: string; data: object }, _command: unknown, state: { total: number }) => {
      totals.push(state.total);
      return { type: event.type, data: event.data };
    };
    expect((await a.handle('counter-f1', add(1), { load: 'fresh', toEventInput })).state.total).toBe(6);
    expect(totals).toEqual([5]);
  });
});
