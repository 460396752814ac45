import { Client } from 'pg';
import { AppendNotFirstWrite, ConcurrencyError, InvalidAppend, type EventStore } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'append_many', poolSize: 20 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
});

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

const ticked = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'Ticked', data: { i } }));

describe('appendMany', () => {
  it('appends to new and existing streams in one transaction, each at its versions, chains intact', async () => {
    await store.append('batch-a', 'no_stream', ticked(2));
    const outcomes = await store.appendMany([
      { streamId: 'batch-a', expected: 2, events: ticked(3) },
      { streamId: 'batch-b', expected: 'no_stream', events: ticked(1), options: { tenant: 't1' } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    const [a, b] = outcomes.map((o) => (o.ok ? o.result : undefined));
    expect(a).toMatchObject({ streamId: 'batch-a', firstVersion: 3, nextExpectedVersion: 5, idempotentReplay: false });
    expect(b).toMatchObject({ streamId: 'batch-b', streamType: 'batch', firstVersion: 1, nextExpectedVersion: 1 });
    expect(a?.transactionId).toBe(b?.transactionId);
    expect(await store.readStream('batch-a', { fromVersion: 3 })).toEqual(a?.events);
    expect(await store.readStream('batch-b')).toEqual(b?.events);
    expect((await sql.query(`SELECT tenant FROM streams WHERE stream_id = 'batch-b'`)).rows).toEqual([
      { tenant: 't1' },
    ]);
    expect((await store.verifyStream('batch-a')).ok).toBe(true);
    expect((await store.verifyStream('batch-b')).ok).toBe(true);
  });

  it('refuses only the stream whose version moved; the others are appended', async () => {
    await store.append('batch-c', 'no_stream', ticked(1));
    await store.append('batch-d', 'no_stream', ticked(1));
    const outcomes = await store.appendMany([
      { streamId: 'batch-c', expected: 1, events: ticked(1) },
      { streamId: 'batch-d', expected: 7, events: ticked(1) },
      { streamId: 'batch-a', expected: 'no_stream', events: ticked(1) },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: true, result: { nextExpectedVersion: 2 } });
    expect(outcomes[1].ok).toBe(false);
    expect(!outcomes[1].ok && outcomes[1].error).toBeInstanceOf(ConcurrencyError);
    expect(!outcomes[1].ok && outcomes[1].error.actualVersion).toBe(1);
    expect(!outcomes[2].ok && outcomes[2].error.actualVersion).toBe(5);
    expect(await store.streamVersion('batch-d')).toBe(1);
    expect(await store.streamVersion('batch-a')).toBe(5);
  });

  it('never appends one version twice when two batches race over the same streams', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `batch-race${i}`);
    await store.appendMany(ids.map((streamId) => ({ streamId, expected: 'no_stream', events: ticked(1) })));
    // Reversed order in the second batch: the locks are taken in stream id order, so no deadlock either.
    const [x, y] = await Promise.all([
      store.appendMany(ids.map((streamId) => ({ streamId, expected: 1, events: ticked(1) }))),
      store.appendMany([...ids].reverse().map((streamId) => ({ streamId, expected: 1, events: ticked(1) }))),
    ]);
    const won = [...x, ...y].filter((o) => o.ok).length;
    expect(won).toBe(ids.length);
    for (const id of ids) expect(await store.streamVersion(id)).toBe(2);
    expect((await store.verifyAll()).ok).toBe(true);
  });

  it('must be the first write of a caller transaction, and commits or rolls back with it', async () => {
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      const outcomes = await store.appendManyWithin(client, [
        { streamId: 'batch-w', expected: 'no_stream', events: ticked(1) },
      ]);
      expect(outcomes[0].ok).toBe(true);
      await client.query('ROLLBACK');
      expect(await store.streamVersion('batch-w')).toBe(0);
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      await expect(
        store.appendManyWithin(client, [{ streamId: 'batch-w', expected: 'no_stream', events: ticked(1) }]),
      ).rejects.toBeInstanceOf(AppendNotFirstWrite);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('refuses what a batch cannot check per stream', async () => {
    await expect(
      store.appendMany([{ streamId: 'batch-x', expected: 'any', events: ticked(1) }]),
    ).rejects.toBeInstanceOf(InvalidAppend);
    await expect(
      store.appendMany([
        { streamId: 'batch-x', expected: 'no_stream', events: ticked(1) },
        { streamId: 'batch-x', expected: 'no_stream', events: ticked(1) },
      ]),
    ).rejects.toBeInstanceOf(InvalidAppend);
    await expect(store.appendMany([{ streamId: 'batch-x', expected: 'no_stream', events: [] }])).rejects.toBeInstanceOf(
      InvalidAppend,
    );
  });
});
