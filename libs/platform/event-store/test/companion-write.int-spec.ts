import { Client } from 'pg';
import { ConcurrencyError, InvalidAppend, type CompanionWrite, type EventStore } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { counterDecider, meta } from './fixtures';

// A companion write: another library's rows written by the append's own statement, only when it appends, and the
// command handler's fallback to `alongside` when the companion refuses. Against the real PostgreSQL.

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'companion', poolSize: 8 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
  await sql.query('CREATE TABLE companion_rows (stream_id text PRIMARY KEY, note text NOT NULL)');
});

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

/** One row per stream, keyed by it: a second write for the same stream is a unique violation, as a vault's key is. */
const note = (text: string): CompanionWrite => ({
  name: 'note',
  sql: `noted AS (
    INSERT INTO "${fixture.schema}".companion_rows (stream_id, note) SELECT stream_id, :w_note::text FROM appended
    RETURNING 1
  )`,
  values: { w_note: text },
});
const refusedByNote = (error: unknown) =>
  (error as { code?: string; constraint?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'companion_rows_pkey';
const notesOf = async (streamId: string) =>
  (await sql.query('SELECT note FROM companion_rows WHERE stream_id = $1', [streamId])).rows.map((r) => r.note);
const eventCount = async (streamId: string) =>
  Number((await sql.query('SELECT count(*) FROM events WHERE stream_id = $1', [streamId])).rows[0].count);

describe('a companion write', () => {
  it('commits with the events of the append that carries it', async () => {
    const result = await store.append('counter-c1', 'no_stream', [{ type: 'Opened', data: {} }], {
      companion: note('first'),
    });
    expect(result.nextExpectedVersion).toBe(1);
    expect(await notesOf('counter-c1')).toEqual(['first']);
  });

  it('writes nothing when the append does not happen (a version conflict)', async () => {
    await store.append('counter-c2', 'no_stream', [{ type: 'Opened', data: {} }]);
    await expect(
      store.append('counter-c2', 'no_stream', [{ type: 'Opened', data: {} }], { companion: note('lost') }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await notesOf('counter-c2')).toEqual([]);
  });

  it('writes nothing on an idempotent replay of the same request', async () => {
    const once = { idempotencyKey: 'k-c3', companion: note('once') };
    await store.append('counter-c3', 'no_stream', [{ type: 'Opened', data: { n: 1 } }], once);
    await sql.query(`DELETE FROM companion_rows WHERE stream_id = 'counter-c3'`);
    const again = await store.append('counter-c3', 'no_stream', [{ type: 'Opened', data: { n: 1 } }], once);
    expect(again.idempotentReplay).toBe(true);
    expect(await notesOf('counter-c3')).toEqual([]);
  });

  it('that fails takes the append with it: no events, no stream', async () => {
    await sql.query(`INSERT INTO companion_rows (stream_id, note) VALUES ('counter-c4', 'there before')`);
    const failed = store.append('counter-c4', 'no_stream', [{ type: 'Opened', data: {} }], { companion: note('x') });
    await expect(failed).rejects.toMatchObject({ code: '23505', constraint: 'companion_rows_pkey' });
    expect(await eventCount('counter-c4')).toBe(0);
    expect(await store.streamVersion('counter-c4')).toBe(0);
  });

  it('must keep one SQL text per name, and name its parameters w_<name>', async () => {
    await store.append('counter-c5', 'no_stream', [{ type: 'Opened', data: {} }], { companion: note('a') });
    const other = { ...note('b'), sql: note('b').sql.replace('RETURNING 1', 'RETURNING 2') };
    await expect(
      store.append('counter-c6', 'no_stream', [{ type: 'Opened', data: {} }], { companion: other }),
    ).rejects.toThrow('another SQL text');
    const badName = { ...note('c'), values: { note: 'c' } };
    await expect(
      store.append('counter-c7', 'no_stream', [{ type: 'Opened', data: {} }], { companion: badName }),
    ).rejects.toBeInstanceOf(InvalidAppend);
    expect((await eventCount('counter-c6')) + (await eventCount('counter-c7'))).toBe(0);
  });
});

describe('a command with a companion', () => {
  const handler = () => store.commandHandler({ decider: counterDecider, streamType: 'counter' });
  const open = () => ({ type: 'Open' as const, data: { limit: 100 }, metadata: meta() });
  const alongsideNote =
    (streamId: string) => async (tx: { query(text: string, values: unknown[]): Promise<unknown> }) => {
      await tx.query(
        `INSERT INTO "${fixture.schema}".companion_rows (stream_id, note) VALUES ($1, 'alongside')
       ON CONFLICT (stream_id) DO UPDATE SET note = 'alongside'`,
        [streamId],
      );
    };

  it('writes through the append statement, not alongside, when the companion can', async () => {
    const result = await handler().handle('counter-h1', open(), {
      load: 'empty',
      companion: { write: note('companion'), refused: refusedByNote },
      alongside: alongsideNote('counter-h1'),
    });
    expect(result).toMatchObject({ nextExpectedVersion: 1, state: { status: 'open' }, idempotentReplay: false });
    expect(await notesOf('counter-h1')).toEqual(['companion']);
  });

  it('is decided and written again with `alongside` when the companion refuses, once', async () => {
    await sql.query(`INSERT INTO companion_rows (stream_id, note) VALUES ('counter-h2', 'there before')`);
    const result = await handler().handle('counter-h2', open(), {
      load: 'empty',
      companion: { write: note('refused'), refused: refusedByNote },
      alongside: alongsideNote('counter-h2'),
    });
    expect(result.nextExpectedVersion).toBe(1);
    expect(await eventCount('counter-h2')).toBe(1);
    expect(await notesOf('counter-h2')).toEqual(['alongside']);
  });

  it('passes on an error the companion does not claim, with nothing written', async () => {
    await sql.query(`INSERT INTO companion_rows (stream_id, note) VALUES ('counter-h3', 'there before')`);
    const attempt = handler().handle('counter-h3', open(), {
      load: 'empty',
      companion: { write: note('x'), refused: () => false },
      alongside: alongsideNote('counter-h3'),
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await eventCount('counter-h3')).toBe(0);
    expect(await notesOf('counter-h3')).toEqual(['there before']);
  });
});

describe('a batch with a companion', () => {
  it('writes for the streams that appended, not for one that conflicted, in the batch statement', async () => {
    await store.append('counter-b2', 'no_stream', [{ type: 'Opened', data: {} }]);
    await store.append('counter-b3', 'no_stream', [{ type: 'Opened', data: {} }]);
    const outcomes = await store.appendMany(
      [
        { streamId: 'counter-b1', expected: 'no_stream', events: [{ type: 'Opened', data: {} }] },
        { streamId: 'counter-b2', expected: 1, events: [{ type: 'Closed', data: {} }] },
        { streamId: 'counter-b3', expected: 5, events: [{ type: 'Closed', data: {} }] },
      ],
      { companion: note('batch') },
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false]);
    expect(await notesOf('counter-b1')).toEqual(['batch']);
    expect(await notesOf('counter-b2')).toEqual(['batch']);
    expect(await notesOf('counter-b3')).toEqual([]);
  });

  it('that fails takes the whole batch with it', async () => {
    await sql.query(`INSERT INTO companion_rows (stream_id, note) VALUES ('counter-b5', 'there before')`);
    const failed = store.appendMany(
      [
        { streamId: 'counter-b4', expected: 'no_stream', events: [{ type: 'Opened', data: {} }] },
        { streamId: 'counter-b5', expected: 'no_stream', events: [{ type: 'Opened', data: {} }] },
      ],
      { companion: note('x') },
    );
    await expect(failed).rejects.toMatchObject({ code: '23505', constraint: 'companion_rows_pkey' });
    expect((await eventCount('counter-b4')) + (await eventCount('counter-b5'))).toBe(0);
    expect(await notesOf('counter-b4')).toEqual([]);
  });

  it('is asked per round of handleMany with the commands that round appends', async () => {
    const handler = store.commandHandler({ decider: counterDecider, streamType: 'counter', cache: false });
    await store.append('counter-b7', 'no_stream', [{ type: 'Opened', data: { limit: 100 } }]);
    const open = { type: 'Open' as const, data: { limit: 100 }, metadata: meta() };
    const close = { type: 'Close' as const, data: {}, metadata: meta() };
    const asked: number[][] = [];
    const results = await handler.handleMany(
      [
        { streamId: 'counter-b6', command: open },
        { streamId: 'counter-b7', command: open }, // already open: decides nothing, appends nothing
        { streamId: 'counter-b6', command: close }, // the same stream again: the next round
      ],
      {
        companion: (appending) => {
          asked.push([...appending]);
          return {
            name: 'tally',
            sql: `tallied AS (
              INSERT INTO "${fixture.schema}".companion_rows (stream_id, note) SELECT stream_id, :w_note::text FROM appended
              ON CONFLICT (stream_id) DO UPDATE SET note = companion_rows.note || ',' || excluded.note
              RETURNING 1
            )`,
            values: { w_note: `round ${asked.length}` },
          };
        },
      },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(asked).toEqual([[0], [2]]);
    expect(await notesOf('counter-b7')).toEqual([]);
    expect(await notesOf('counter-b6')).toEqual(['round 1,round 2']);
  });

  it('with `alongside`, writes inside its transaction: both commit with the events', async () => {
    const handler = store.commandHandler({ decider: counterDecider, streamType: 'counter', cache: false });
    const open = { type: 'Open' as const, data: { limit: 100 }, metadata: meta() };
    const transactions: string[] = [];
    const results = await handler.handleMany([{ streamId: 'counter-b8', command: open }], {
      companion: () => note('with alongside'),
      alongside: async (tx) => {
        const { rows } = await tx.query(`SELECT pg_current_xact_id()::text AS id`);
        transactions.push(rows[0].id);
      },
    });
    expect(results.map((r) => r.ok)).toEqual([true]);
    expect(await notesOf('counter-b8')).toEqual(['with alongside']);
    const { rows } = await sql.query(`SELECT transaction_id::text AS id FROM events WHERE stream_id = 'counter-b8'`);
    expect(rows.map((r) => r.id)).toEqual(transactions);
  });
});
