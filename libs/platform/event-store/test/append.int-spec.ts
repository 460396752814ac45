import { Client } from 'pg';
import {
  AppendNotFirstWrite,
  ConcurrencyError,
  DuplicateEventId,
  IdempotencyKeyReused,
  InvalidAppend,
  uuidv7,
  type EventStore,
} from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'append', poolSize: 20 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
});

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

const count = async (streamId: string) =>
  Number((await sql.query('SELECT count(*) FROM events WHERE stream_id = $1', [streamId])).rows[0].count);

describe('append', () => {
  it('writes events with versions, positions and one transaction id, and reads them back', async () => {
    const result = await store.append(
      'order-a1',
      'no_stream',
      [
        {
          type: 'OrderPlaced',
          data: { total: 500, lines: [{ sku: 'x', qty: 2 }] },
          metadata: { correlationId: 'c1', actor: 'web' },
        },
        { type: 'OrderPaid', data: { amount: '5.00' } },
      ],
      { tenant: 'shop-1' },
    );
    expect(result).toMatchObject({
      streamId: 'order-a1',
      streamType: 'order',
      firstVersion: 1,
      nextExpectedVersion: 2,
      idempotentReplay: false,
    });
    expect(result.events.map((e) => [e.streamVersion, e.type, e.transactionId])).toEqual([
      [1, 'OrderPlaced', result.transactionId],
      [2, 'OrderPaid', result.transactionId],
    ]);
    expect(BigInt(result.events[1].globalPosition)).toBeGreaterThan(BigInt(result.events[0].globalPosition));

    const read = await store.readStream('order-a1');
    expect(read).toEqual(result.events);
    expect(
      (await sql.query("SELECT tenant, stream_type, version FROM streams WHERE stream_id = 'order-a1'")).rows,
    ).toEqual([{ tenant: 'shop-1', stream_type: 'order', version: '2' }]);
  });

  it('checks the expected version and writes nothing on a conflict', async () => {
    await store.append('order-a2', 'no_stream', [{ type: 'A', data: {} }]);
    await expect(store.append('order-a2', 'no_stream', [{ type: 'B', data: {} }])).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      expectedVersion: 'no_stream',
      actualVersion: 1,
    });
    await expect(store.append('order-a2', 0, [{ type: 'B', data: {} }])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append('order-a2', 2, [{ type: 'B', data: {} }])).rejects.toThrow(
      'stream order-a2 expected at version 2 but is at 1',
    );
    await expect(store.append('order-missing', 3, [{ type: 'B', data: {} }])).rejects.toMatchObject({
      actualVersion: 0,
    });
    expect(await count('order-a2')).toBe(1);
    expect(await count('order-missing')).toBe(0);
    expect(await store.streamVersion('order-missing')).toBe(0);

    expect((await store.append('order-a2', 1, [{ type: 'C', data: {} }])).nextExpectedVersion).toBe(2);
    expect(
      (
        await store.append('order-a2', 'any', [
          { type: 'D', data: {} },
          { type: 'E', data: {} },
        ])
      ).nextExpectedVersion,
    ).toBe(4);
    expect((await store.append('order-a3', 'any', [{ type: 'A', data: {} }])).firstVersion).toBe(1);
    expect((await store.readStream('order-a2')).map((e) => e.type)).toEqual(['A', 'C', 'D', 'E']);
  });

  it('lets exactly one of 100 concurrent appends at one expected version win', async () => {
    await store.append('order-race', 'no_stream', [{ type: 'Created', data: {} }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => store.append('order-race', 1, [{ type: 'Raced', data: { writer: i } }])),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(99);
    for (const o of lost) expect(o.reason).toBeInstanceOf(ConcurrencyError);
    expect(await count('order-race')).toBe(2);
    expect(await store.streamVersion('order-race')).toBe(2);
  });

  it('lets exactly one of 100 concurrent creators of a new stream win', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        store.append('order-born', 'no_stream', [{ type: 'Created', data: { writer: i } }]),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await count('order-born')).toBe(1);
  });

  it('appends all of many concurrent "any" writers, each batch contiguous', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.append('order-any', 'any', [
          { type: 'X', data: { i, part: 1 } },
          { type: 'X', data: { i, part: 2 } },
        ]),
      ),
    );
    const events = await store.readStream('order-any');
    expect(events).toHaveLength(80);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    for (const result of results) expect(result.events[1].streamVersion).toBe(result.events[0].streamVersion + 1);
    expect((await store.verifyStream('order-any')).ok).toBe(true);
  });

  it('returns the first result for a retried idempotency key and appends nothing', async () => {
    const first = await store.append('order-idem', 'no_stream', [{ type: 'Placed', data: { total: 1 } }], {
      idempotencyKey: 'req-1',
    });
    // A retry at the edge makes new ids and times; the request is still the same.
    const again = await store.append(
      'order-idem',
      'no_stream',
      [{ type: 'Placed', data: { total: 1 }, eventId: uuidv7() }],
      { idempotencyKey: 'req-1' },
    );
    expect(again).toMatchObject({
      idempotentReplay: true,
      nextExpectedVersion: first.nextExpectedVersion,
      firstVersion: 1,
      transactionId: first.transactionId,
    });
    expect(again.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect(await count('order-idem')).toBe(1);

    await expect(
      store.append('order-idem', 'any', [{ type: 'Placed', data: { total: 2 } }], { idempotencyKey: 'req-1' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
    await expect(
      store.append('order-other', 'any', [{ type: 'Placed', data: { total: 1 } }], { idempotencyKey: 'req-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await count('order-idem')).toBe(1);
    expect(await count('order-other')).toBe(0);
  });

  it('appends once when the same idempotent request races with itself', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.append('order-idem-race', 'any', [{ type: 'Placed', data: { total: 9 } }], {
          idempotencyKey: 'req-race',
        }),
      ),
    );
    expect(await count('order-idem-race')).toBe(1);
    expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
    expect(new Set(results.map((r) => r.events[0].eventId)).size).toBe(1);
  });

  it('refuses a duplicate event id and writes nothing', async () => {
    const eventId = uuidv7();
    await store.append('order-dup', 'any', [{ type: 'A', data: {}, eventId }]);
    await expect(
      store.append('order-dup-2', 'any', [
        { type: 'B', data: {} },
        { type: 'A', data: {}, eventId },
      ]),
    ).rejects.toBeInstanceOf(DuplicateEventId);
    expect(await count('order-dup-2')).toBe(0);
    expect(await store.streamVersion('order-dup-2')).toBe(0);
  });

  it('checks input before the database', async () => {
    await expect(store.append('order-bad', -1, [{ type: 'A', data: {} }])).rejects.toBeInstanceOf(InvalidAppend);
    await expect(store.append('order-bad', 'any', [{ type: 'A', data: {}, eventId: 'x' }])).rejects.toMatchObject({
      code: 'INVALID_APPEND',
    });
  });

  it('treats an empty append as a version check', async () => {
    await store.append('order-empty', 'no_stream', [{ type: 'A', data: {} }]);
    expect(await store.append('order-empty', 1, [])).toMatchObject({ nextExpectedVersion: 1, events: [] });
    await expect(store.append('order-empty', 2, [])).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('keeps the log append-only', async () => {
    await store.append('order-ro', 'any', [{ type: 'A', data: { v: 1 } }]);
    await expect(sql.query("UPDATE events SET data = '{}' WHERE stream_id = 'order-ro'")).rejects.toThrow(
      /append-only/,
    );
    await expect(sql.query("DELETE FROM events WHERE stream_id = 'order-ro'")).rejects.toThrow(/append-only/);
    await expect(sql.query('TRUNCATE events')).rejects.toThrow(/append-only/);
  });
});

describe('appendWithin (the caller owns the transaction)', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: fixture.connectionString });
    await client.connect();
    await client.query(`CREATE TABLE "${fixture.schema}".inbox (message_id text PRIMARY KEY)`);
  });
  afterAll(() => client.end());

  it('commits events and the caller rows written after them together', async () => {
    await client.query('BEGIN');
    const result = await store.appendWithin(client, 'order-w1', 'no_stream', [{ type: 'A', data: {} }]);
    await client.query(`INSERT INTO "${fixture.schema}".inbox VALUES ('m1')`);
    expect(await count('order-w1')).toBe(0); // not visible before commit
    await client.query('COMMIT');
    expect(await count('order-w1')).toBe(1);
    expect(result.transactionId).toBe((await store.readStream('order-w1'))[0].transactionId);
  });

  it('leaves nothing behind when the caller rolls back', async () => {
    await client.query('BEGIN');
    await store.appendWithin(client, 'order-w2', 'no_stream', [{ type: 'A', data: {} }]);
    await client.query('ROLLBACK');
    expect(await count('order-w2')).toBe(0);
    expect(await store.streamVersion('order-w2')).toBe(0);
  });

  it('refuses to append after the transaction wrote something else', async () => {
    await client.query('BEGIN');
    await client.query(`INSERT INTO "${fixture.schema}".inbox VALUES ('m2')`);
    await expect(store.appendWithin(client, 'order-w3', 'any', [{ type: 'A', data: {} }])).rejects.toBeInstanceOf(
      AppendNotFirstWrite,
    );
    await client.query('ROLLBACK');
    expect(await count('order-w3')).toBe(0);
  });

  it('allows reads before the append', async () => {
    await client.query('BEGIN');
    await client.query(`SELECT count(*) FROM "${fixture.schema}".inbox`);
    await store.appendWithin(client, 'order-w4', 'any', [{ type: 'A', data: {} }]);
    await client.query('COMMIT');
    expect(await count('order-w4')).toBe(1);
  });
});
