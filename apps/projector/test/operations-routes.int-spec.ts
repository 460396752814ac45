import { withTransaction } from '@orders/event-store';
import { checksum, SUMMARY_PROJECTION } from '../src/operations';
import { syntheticHistory } from '../src/projections/history';
import type { RebuildRun } from '../src/rebuild/rebuild-runs';
import { eventually, startProjector, type ProjectorTestApp } from './projector-app';

jest.setTimeout(90_000);

const ROUTE = `/ops/projections/${SUMMARY_PROJECTION}/rebuild`;

/** Reads a server-sent event stream into `events` until `close()`. */
function follow(url: string, key: string): { events: (RebuildRun | null)[]; close(): void } {
  const events: (RebuildRun | null)[] = [];
  const aborted = new AbortController();
  void (async () => {
    const res = await fetch(url, { headers: { 'Api-Key': key, accept: 'text/event-stream' }, signal: aborted.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type === 'rebuild' && data !== undefined) events.push(JSON.parse(data) as RebuildRun | null);
      }
    }
  })().catch(() => undefined);
  return { events, close: () => aborted.abort() };
}

describe("the projector's operations routes: rebuild and consumer lag (real PostgreSQL and Kafka)", () => {
  let projector: ProjectorTestApp;
  const history = syntheticHistory(20, { prefix: 'route' });

  beforeAll(async () => {
    projector = await startProjector();
    await projector.publish(history);
    await eventually(
      async () => (await checksum(projector.db, SUMMARY_PROJECTION)).rows,
      (rows) => rows === 20,
    );
  });

  afterAll(async () => projector?.close());

  const start = (key: string, body: Record<string, unknown> = {}) =>
    projector.http().post(ROUTE).set('Api-Key', key).send(body);

  it('refuses read-only and single-company principals', async () => {
    expect((await start(projector.keys.viewer)).status).toBe(403);
    const desk = await start(projector.keys.company1);
    expect(desk.status).toBe(403);
    expect(desk.body.errors[0].code).toBe('TENANT_FORBIDDEN');
    expect((await projector.http().get(ROUTE).set('Api-Key', projector.keys.operator)).body).toEqual({ run: null });
  });

  it('starts one rebuild at a time, streams its progress and switches to the new version', async () => {
    const stream = follow(`${projector.url}${ROUTE}/events`, projector.keys.operator);
    try {
      // The state as the stream opens: nothing started here yet.
      await eventually(
        async () => stream.events.length,
        (n) => n === 1,
      );
      expect(stream.events[0]).toBeNull();
      // A transaction of a live writer holds the switch lock: the rebuild plans its work, then waits for its cut.
      const result = await withTransaction(projector.db.pool, async (live) => {
        await projector.db.lockSwitch(live, 'shared');
        const started = await start(projector.keys.operator, { batchSize: 3 });
        expect(started.status).toBe(202);
        expect(started.body).toMatchObject({
          status: 'running',
          startedBy: 'ops',
          progress: { phase: 'building', version: 2 },
        });
        const again = await start(projector.keys.operator);
        expect(again.status).toBe(409);
        expect(again.body.errors[0].code).toBe('REBUILD_ALREADY_RUNNING');
        return started.body as RebuildRun;
      });
      expect(result.progress?.total).toBeGreaterThan(0);
      const ended = await eventually(
        async () => stream.events.at(-1),
        (run) => run?.status === 'done',
      );
      expect(ended?.result).toMatchObject({ version: 2, previousVersion: 1, interrupted: false });
      const building = stream.events
        .filter((run) => run?.progress?.phase === 'building')
        .map((run) => run?.progress?.processed);
      // One progress line per batch of 3, growing to the whole journal.
      expect(building.length).toBeGreaterThan(3);
      expect(building).toEqual([...building].sort((a, b) => (a ?? 0) - (b ?? 0)));
      expect(stream.events.map((run) => run?.progress?.phase)).toContain('switching');
      expect(await projector.db.activeVersion()).toBe(2);
      expect((await checksum(projector.db, SUMMARY_PROJECTION)).rows).toBe(20);
      const current = await projector.http().get(ROUTE).set('Api-Key', projector.keys.viewer);
      expect(current.body.run).toMatchObject({ status: 'done', result: { version: 2 } });
    } finally {
      stream.close();
    }
  });

  it('answers 409 while `ops rebuild` holds the rebuild lock in another process', async () => {
    const other = await projector.db.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [`projector-rebuild:${projector.schema}`]);
      const refused = await start(projector.keys.operator);
      expect(refused.status).toBe(409);
      expect(refused.body.errors[0].message).toMatch(/another process is rebuilding/);
      // The last run is still the finished one.
      expect((await projector.http().get(ROUTE).set('Api-Key', projector.keys.operator)).body.run.status).toBe('done');
    } finally {
      await other.query('SELECT pg_advisory_unlock_all()');
      other.release();
    }
    expect((await start(projector.keys.operator)).status).toBe(202);
    await eventually(
      async () => projector.db.activeVersion(),
      (version) => version === 3,
    );
  });

  it("answers its group's lag per topic and partition, caught up once it folded what was published", async () => {
    const lag = async () =>
      (await projector.http().get('/ops/consumer-lag').set('Api-Key', projector.keys.viewer).expect(200)).body
        .partitions as {
        groupId: string;
        topic: string;
        partition: number;
        committed: string | null;
        high: string;
        lag: number;
      }[];
    const rows = await eventually(
      lag,
      (all) =>
        all.some((r) => r.groupId === `${projector.prefix}projector`) &&
        all.filter((r) => r.groupId === `${projector.prefix}projector`).every((r) => r.lag === 0),
    );
    const ours = rows.filter((r) => r.groupId === `${projector.prefix}projector`);
    // Its three source topics, every partition of each (a row per partition); every group here is this deployment's.
    expect(new Set(ours.map((r) => r.topic)).size).toBe(3);
    for (const topic of new Set(ours.map((r) => r.topic))) {
      const partitions = ours.filter((r) => r.topic === topic).map((r) => r.partition);
      expect(partitions).toEqual(partitions.map((_, i) => i));
    }
    expect(rows.every((r) => r.groupId.startsWith(projector.prefix))).toBe(true);
    const published = ours.reduce((sum, r) => sum + Number(r.high), 0);
    expect(published).toBe(history.length);
    expect(ours.every((r) => r.committed === r.high || (r.committed === null && r.high === '0'))).toBe(true);
    expect((await projector.http().get('/ops/consumer-lag').set('Api-Key', projector.keys.company1)).status).toBe(403);
  });
});
