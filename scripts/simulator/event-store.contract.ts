import type { AppendOptions, AppendResult, EventInput, ExpectedVersion, RecordedEvent } from '@orders/event-store';

/** The part of an event store both implementations must agree on: what the command handler and the simulator rely on. */
export interface ContractStore {
  append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly EventInput[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  idempotentResult(idempotencyKey: string, fingerprint: string): Promise<AppendResult | undefined>;
  readStream(streamId: string): Promise<RecordedEvent[]>;
}

const placed = (n: number): EventInput => ({
  type: 'ItemAdded',
  data: { n, sku: `s-${n}` },
  metadata: { actor: 'contract' },
});

/**
 * Shared cases, run by a unit spec against the in-memory store and by an integration spec against PostgreSQL, so
 * the simulator's store cannot drift from the real one unnoticed. `store()` is read per case (set up in beforeAll).
 */
export function eventStoreContract(store: () => ContractStore, unique: () => string): void {
  const id = (name: string) => `contract-${name}-${unique()}`;

  it('appends a new stream with no_stream: versions 1..n, in order', async () => {
    const stream = id('new');
    const result = await store().append(stream, 'no_stream', [placed(1), placed(2)]);
    expect(result).toMatchObject({
      streamId: stream,
      firstVersion: 1,
      nextExpectedVersion: 2,
      idempotentReplay: false,
    });
    expect(result.events.map((e) => [e.streamVersion, e.type, e.data])).toEqual([
      [1, 'ItemAdded', { n: 1, sku: 's-1' }],
      [2, 'ItemAdded', { n: 2, sku: 's-2' }],
    ]);
  });

  it('appends with the expected version and reads the stream back in version and global order', async () => {
    const stream = id('order');
    const first = await store().append(stream, 'no_stream', [placed(1)]);
    const second = await store().append(stream, first.nextExpectedVersion, [placed(2), placed(3)]);
    expect(second).toMatchObject({ firstVersion: 2, nextExpectedVersion: 3 });
    const read = await store().readStream(stream);
    expect(read.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(read.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
    const positions = read.map((e) => BigInt(e.globalPosition));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(read[0].metadata).toMatchObject({ actor: 'contract' });
  });

  it('refuses a stale expected version with CONCURRENCY_CONFLICT and writes nothing', async () => {
    const stream = id('conflict');
    await store().append(stream, 'no_stream', [placed(1), placed(2)]);
    await expect(store().append(stream, 1, [placed(3)])).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      actualVersion: 2,
    });
    await expect(store().append(stream, 'no_stream', [placed(3)])).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
    });
    await expect(store().append(id('missing'), 4, [placed(1)])).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    expect((await store().readStream(stream)).length).toBe(2);
  });

  it("appends at any version with 'any'", async () => {
    const stream = id('any');
    await store().append(stream, 'any', [placed(1)]);
    const result = await store().append(stream, 'any', [placed(2)]);
    expect(result).toMatchObject({ firstVersion: 2, nextExpectedVersion: 2 });
  });

  it('replays an append with the same idempotency key: the first events, nothing new, even at a stale version', async () => {
    const stream = id('idem');
    const key = `key-${unique()}`;
    const first = await store().append(stream, 'no_stream', [placed(1)], {
      idempotencyKey: key,
      requestFingerprint: 'f-1',
    });
    const again = await store().append(stream, 'no_stream', [placed(1)], {
      idempotencyKey: key,
      requestFingerprint: 'f-1',
    });
    expect(again.idempotentReplay).toBe(true);
    expect(again).toMatchObject({ firstVersion: 1, nextExpectedVersion: 1 });
    expect(again.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect((await store().readStream(stream)).length).toBe(1);
    const looked = await store().idempotentResult(key, 'f-1');
    expect(looked?.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect(await store().idempotentResult(`unused-${unique()}`, 'f-1')).toBeUndefined();
  });

  it('refuses the same idempotency key for a different request with IDEMPOTENCY_KEY_REUSED', async () => {
    const stream = id('reuse');
    const key = `key-${unique()}`;
    await store().append(stream, 'no_stream', [placed(1)], { idempotencyKey: key });
    await expect(store().append(stream, 1, [placed(2)], { idempotencyKey: key })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await store().append(id('reuse-f'), 'no_stream', [placed(1)], {
      idempotencyKey: `${key}-f`,
      requestFingerprint: 'a',
    });
    await expect(store().idempotentResult(`${key}-f`, 'b')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await store().readStream(stream)).length).toBe(1);
  });

  it('derives the default fingerprint from the events, not their metadata', async () => {
    const stream = id('fingerprint');
    const key = `key-${unique()}`;
    await store().append(stream, 'no_stream', [placed(1)], { idempotencyKey: key });
    const retried = await store().append(stream, 'no_stream', [{ ...placed(1), metadata: { actor: 'retry' } }], {
      idempotencyKey: key,
    });
    expect(retried.idempotentReplay).toBe(true);
  });
}
