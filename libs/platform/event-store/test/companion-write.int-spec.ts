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
