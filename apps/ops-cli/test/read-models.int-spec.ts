import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { provisionTopics } from '@orders/messaging';
import { foldSummary, SummaryRebuilder } from '@orders/projector/src/operations';
import { syntheticHistory } from '@orders/projector/src/projections/history';
import { createTestReadModel, type TestReadModel } from '@orders/projector/test/read-model-fixture';
import { Client } from 'pg';
import { runCli } from '../src/cli';
import { EXIT } from '../src/exit-codes';
import { capture } from './capture';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
jest.setTimeout(60_000);

describe('ops rebuild | audit | checksum | replay on a real read-model database', () => {
  let model: TestReadModel;
  const history = syntheticHistory(40, { prefix: 'cli' });
  const target = () => ['--database-url', model.url, '--schema', model.schema];
  const run = async (args: string[]) => {
    const io = capture();
    const code = await runCli([...args, ...target()], io);
    return { code, io, json: () => JSON.parse(io.stdout.join('\n')) };
  };

  beforeAll(async () => {
    model = await createTestReadModel('ops_read_models');
    await model.applyLive(history);
  });

  afterAll(async () => {
    await model?.drop();
  });

  it('checksum: a table line for people, JSON for scripts, the same sum twice', async () => {
    const table = await run(['checksum', 'order-summary']);
    expect(table.code).toBe(EXIT.ok);
    expect(table.io.stdout.join('\n')).toMatch(/^order-summary v1 {2}40 rows {2}[0-9a-f]{32}$/);
    const json = await run(['checksum', 'order-summary', '--json']);
    expect(json.json()).toEqual({ projection: 'order-summary', version: 1, rows: 40, checksum: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await run(['checksum', 'order-timeline', '--json'])).json()).toMatchObject({ rows: history.length, version: null });
  });

  it('rebuild: draws progress, switches, and the rebuilt read model has the live one\'s checksum', async () => {
    const before = (await run(['checksum', 'order-summary', '--json'])).json();
    const result = await run(['rebuild', 'order-summary', '--batch-size', '25']);
    expect(result.code).toBe(EXIT.ok);
    expect(result.io.progressed.some((line) => /building order-summary v2 \[#+-*\] +\d+% {2}\d+\/\d+ {2}ETA/.test(line))).toBe(true);
    expect(result.io.stdout.join('\n')).toMatch(/order-summary: v2 serves now \(was v1\); \d+ events folded/);
    expect((await run(['checksum', 'order-summary', '--json'])).json()).toEqual({ ...before, version: 2 });
  });

  it('rebuild resumes a rebuild a crash interrupted, and says so', async () => {
    const before = (await run(['checksum', 'order-summary', '--json'])).json();
    const crashed = await new SummaryRebuilder(model.db).rebuild({ batchSize: 10, stopAfterBatches: 2 });
    expect(crashed.interrupted).toBe(true);
    const result = await run(['rebuild', 'order-summary', '--json']);
    expect(result.code).toBe(EXIT.ok);
    expect(result.json()).toMatchObject({ version: crashed.version, resumed: true, processed: history.length });
    expect((await run(['checksum', 'order-summary', '--json'])).json()).toEqual({ ...before, version: crashed.version });
  });

  it('rebuild exits 4 while another process holds the rebuild', async () => {
    const holder = new Client({ connectionString: model.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`projector-rebuild:${model.schema}`]);
      const result = await run(['rebuild', 'order-summary']);
      expect(result.code).toBe(EXIT.busy);
      expect(result.io.stderr.join('\n')).toContain('another process is rebuilding');
    } finally {
      await holder.end();
    }
  });

  it('rebuild --only / --from re-fold just those orders in place', async () => {
    const before = (await run(['checksum', 'order-summary', '--json'])).json();
    const version = before.version as number;
    await model.db.pool.query(`UPDATE ${model.db.summaryTable(version)} SET status = 'DRIFTED' WHERE order_id IN ('cli-4', 'cli-9')`);
    expect((await run(['rebuild', 'order-summary', '--only', 'order:cli-4', '--json'])).json()).toMatchObject({ orders: 1 });
    const company = await run(['rebuild', 'order-summary', '--only', 'company:company-4']);
    expect(company.io.stdout.join('\n')).toMatch(/re-folded 8 order\(s\)/);
    expect((await run(['checksum', 'order-summary', '--json'])).json()).toEqual(before);
    expect((await run(['rebuild', 'order-summary', '--from', '1', '--json'])).json()).toMatchObject({ orders: 40 });
    expect((await run(['rebuild', 'order-summary', '--from', history[100]?.occurredAt as string])).code).toBe(EXIT.ok);
    for (const bad of [['--only', 'cli-4'], ['--from', 'yesterday'], ['--only', 'order:x', '--from', '1']]) {
      expect((await run(['rebuild', 'order-summary', ...bad])).code).toBe(EXIT.usage);
    }
    expect((await run(['rebuild', 'order-timeline'])).code).toBe(EXIT.usage);
  });

  it('audit --as-of gives the timeline and the fold of the events that had occurred by then', async () => {
    const events = history.filter((e) => e.orderId === 'cli-5');
    const cut = events[3] as (typeof events)[number];
    const asOf = await run(['audit', 'cli-5', '--as-of', cut.occurredAt, '--json']);
    expect(asOf.code).toBe(EXIT.ok);
    expect(asOf.json().state).toEqual(foldSummary(events.slice(0, 4))?.state);
    expect(asOf.json().timeline.map((e: { eventId: string }) => e.eventId)).toEqual(events.slice(0, 4).map((e) => e.eventId));
    const cancelled = (await run(['audit', 'cli-5'])).io.stdout.join('\n');
    expect(cancelled).toMatch(/^order cli-5: CANCELLED/);
    expect(cancelled).toMatch(/marketplace-cancellations\s+CancellationAccepted\s+operator-1/);
    expect(cancelled).toMatch(/marketplace\s+DELIVERY, cancellation ACCEPTED/);
    const text = (await run(['audit', 'cli-4'])).io.stdout.join('\n');
    expect(text).toMatch(/^order cli-4: DELIVERED/);
    expect(text).toMatch(/intake\s+ExternalOrderAccepted\s+operator-1/);
    expect(text).toMatch(/courier-tracking\s+DeliveryFinished\s+initiator:app/);
    expect((await run(['audit', 'no-such-order'])).code).toBe(EXIT.problemFound);
    expect((await run(['audit', 'cli-5', '--as-of', 'noon'])).code).toBe(EXIT.usage);
  });

  it('replay re-feeds only the chosen orders to a topic, with their original event ids (read by kcat)', async () => {
    const topic = `ops-replay-${randomBytes(4).toString('hex')}`;
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [{ topic, partitions: 2 }]);
    const one = await run(['replay', '--order', 'cli-7', '--to-topic', topic, '--brokers', BROKERS, '--json']);
    expect(one.code).toBe(EXIT.ok);
    const expected = history.filter((e) => e.orderId === 'cli-7');
    expect(one.json()).toMatchObject({ events: expected.length, orders: 1 });
    const since = history.find((e) => e.orderId === 'cli-30')?.occurredAt as string;
    const company = await run(['replay', '--company', 'company-0', '--since', since, '--to-topic', topic, '--brokers', BROKERS, '--json']);
    const chosen = history.filter((e) => e.orderId === 'cli-7' || (e.tenantId === 'company-0' && e.occurredAt >= since));
    expect(company.json().events + one.json().events).toBe(chosen.length);

    const lines = execFileSync('kcat', ['-C', '-b', BROKERS, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k|%h\\n'], { encoding: 'utf8', timeout: 20_000 })
      .split('\n').filter(Boolean);
    expect(lines).toHaveLength(chosen.length);
    expect(new Set(lines.map((l) => l.split('|')[0]))).toEqual(new Set(chosen.map((e) => e.orderId)));
    const ids = lines.map((l) => /event-id=([^,|]+)/.exec(l)?.[1]);
    expect(new Set(ids)).toEqual(new Set(chosen.map((e) => e.eventId)));
    expect(lines[0]).toContain('replayed-by=ops-cli');

    expect((await run(['replay', '--order', 'cli-7', '--to-topic', `missing-${topic}`, '--brokers', BROKERS])).code).toBe(EXIT.problemFound);
    expect((await run(['replay', '--company', 'company-0', '--to-topic', topic])).code).toBe(EXIT.usage);
  });

  it('says when the database holds no read models (exit 3)', async () => {
    const io = capture();
    expect(await runCli(['checksum', 'order-summary', '--database-url', model.url, '--schema', 'no_such_schema'], io)).toBe(EXIT.unavailable);
    expect(io.stderr.join('\n')).toContain('no read models here');
  });
});
