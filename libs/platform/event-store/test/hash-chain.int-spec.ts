import { Client } from 'pg';
import type { EventStore } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'chain' });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
});

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

/** What someone with table rights could do: switch the append-only trigger off and edit rows. */
async function tamper(statement: string, values: unknown[] = []): Promise<void> {
  await sql.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
  try {
    await sql.query(statement, values);
  } finally {
    await sql.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
  }
}

async function seed(streamId: string, count = 5): Promise<void> {
  await store.append(streamId, 'no_stream', [{ type: 'Opened', data: { n: 0 }, metadata: { actor: 'a' } }]);
  for (let i = 1; i < count; i += 2) {
    await store.append(
      streamId,
      'any',
      [
        { type: 'Step', data: { n: i, nested: { b: [1, 2], a: 'x' } } },
        { type: 'Step', data: { n: i + 1 } },
      ].slice(0, count - i),
    );
  }
}

describe('hash chain', () => {
  it('verifies untouched streams and the whole store', async () => {
    await seed('order-ok', 6);
    expect(await store.verifyStream('order-ok')).toMatchObject({ ok: true, checkedEvents: 6, broken: [] });
    expect(await store.verifyStream('order-absent')).toMatchObject({ ok: true, checkedEvents: 0 });
    const rows = (
      await sql.query(
        "SELECT stream_version::int AS v, prev_hash IS NULL AS first FROM events WHERE stream_id = 'order-ok' ORDER BY 1",
      )
    ).rows;
    expect(rows[0]).toEqual({ v: 1, first: true });
    expect(rows.slice(1).every((r) => !r.first)).toBe(true);
  });

  it('names the event whose data was changed', async () => {
    await seed('order-data');
    await tamper(
      `UPDATE events SET data = jsonb_set(data, '{n}', '99') WHERE stream_id = 'order-data' AND stream_version = 3`,
    );
    const result = await store.verifyStream('order-data');
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ streamId: 'order-data', streamVersion: 3, reason: 'hash_mismatch' });
    const all = await store.verifyAll();
    expect(all.ok).toBe(false);
    expect(all.broken.map((b) => [b.streamId, b.streamVersion])).toContainEqual(['order-data', 3]);
  });

  it('names changed metadata, type and time', async () => {
    for (const [column, value] of [
      ['metadata', `'{"actor":"mallory"}'::jsonb`],
      ['type', `'Closed'`],
      ['occurred_at', `occurred_at + interval '1 second'`],
    ]) {
      const streamId = `order-meta-${column}`;
      await seed(streamId, 3);
      await tamper(`UPDATE events SET ${column} = ${value} WHERE stream_id = $1 AND stream_version = 1`, [streamId]);
      expect((await store.verifyStream(streamId)).firstBroken).toMatchObject({
        streamVersion: 1,
        reason: 'hash_mismatch',
      });
    }
  });

  it('catches a forged hash through the next link, and a rewritten tail through the stream head', async () => {
    await seed('order-forged', 4);
    await tamper(
      `UPDATE events SET data = '{"n":42}', hash = sha256('forged') WHERE stream_id = 'order-forged' AND stream_version = 2`,
    );
    expect((await store.verifyStream('order-forged')).firstBroken).toMatchObject({
      streamVersion: 2,
      reason: 'hash_mismatch',
    });

    await seed('order-head', 3);
    await tamper(`UPDATE events SET hash = sha256('x') WHERE stream_id = 'order-head' AND stream_version = 3`);
    expect((await store.verifyStream('order-head')).firstBroken).toMatchObject({
      streamVersion: 3,
      reason: 'hash_mismatch',
    });
  });

  it('names a deleted event and a deleted last event', async () => {
    await seed('order-gap', 5);
    await tamper(`DELETE FROM events WHERE stream_id = 'order-gap' AND stream_version = 2`);
    expect((await store.verifyStream('order-gap')).firstBroken).toMatchObject({
      streamVersion: 2,
      reason: 'version_gap',
    });

    await seed('order-tail', 5);
    await tamper(`DELETE FROM events WHERE stream_id = 'order-tail' AND stream_version = 5`);
    expect((await store.verifyStream('order-tail')).firstBroken).toMatchObject({
      streamVersion: 5,
      reason: 'head_mismatch',
    });

    await seed('order-gone', 2);
    await tamper(`DELETE FROM events WHERE stream_id = 'order-gone'`);
    const all = await store.verifyAll();
    expect(all.broken.find((b) => b.streamId === 'order-gone')).toMatchObject({
      reason: 'version_gap',
      streamVersion: 1,
    });
    expect(all.broken.map((b) => b.streamId)).toEqual([...all.broken.map((b) => b.streamId)].sort());
    expect(all.firstBroken).toBe(all.broken[0]);
  });

  it('pages through long streams', async () => {
    await store.append(
      'order-long',
      'no_stream',
      Array.from({ length: 4500 }, (_, i) => ({ type: 'Tick', data: { i } })),
    );
    expect(await store.verifyStream('order-long')).toMatchObject({ ok: true, checkedEvents: 4500 });
    await tamper(`UPDATE events SET data = '{"i":-1}' WHERE stream_id = 'order-long' AND stream_version = 4321`);
    expect((await store.verifyStream('order-long')).firstBroken).toMatchObject({ streamVersion: 4321 });
  });
});
