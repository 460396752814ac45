import { Client } from 'pg';
import { createTestEventStore, testDatabaseUrl, type TestEventStore } from '@orders/event-store/testing';
import { runCli } from '../src/cli';
import { EXIT } from '../src/exit-codes';
import type { Io } from '../src/output';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
}

describe('ops verify on a real event store', () => {
  let test: TestEventStore;
  const target = () => ['--service', 'intake', '--database-url', testDatabaseUrl(), '--schema', test.schema];

  beforeAll(async () => {
    test = await createTestEventStore({ prefix: 'ops' });
    for (const id of ['order-a', 'order-b']) {
      await test.store.append(id, 'no_stream', [1, 2, 3].map((n) => ({ type: 'Counted', data: { n } })));
    }
  });

  afterAll(async () => {
    await test?.drop();
  });

  it('reports every chain intact with exit code 0, as a table and as JSON', async () => {
    const io = capture();
    expect(await runCli(['verify', ...target()], io)).toBe(EXIT.ok);
    expect(io.stdout.join('\n')).toMatch(/intake\s+2\s+6\s+ok/);

    const json = capture();
    expect(await runCli(['verify', ...target(), '--json'], json)).toBe(EXIT.ok);
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ ok: true, stores: [{ service: 'intake', result: { checkedStreams: 2, checkedEvents: 6 } }] });
  });

  it('names the first broken link after a row is changed behind the store, and exits 1', async () => {
    const sql = new Client({ connectionString: testDatabaseUrl() });
    await sql.connect();
    try {
      await sql.query(`SET search_path TO "${test.schema}"`);
      await sql.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      await sql.query(`UPDATE events SET data = '{"n": 20}' WHERE stream_id = 'order-b' AND stream_version = 2`);
      await sql.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    } finally {
      await sql.end();
    }
    const io = capture();
    expect(await runCli(['verify', ...target(), '--json'], io)).toBe(EXIT.problemFound);
    const report = JSON.parse(io.stdout.join('\n'));
    expect(report.stores[0].result.firstBroken).toMatchObject({ streamId: 'order-b', streamVersion: 2, reason: 'hash_mismatch' });

    const one = capture();
    expect(await runCli(['verify', ...target(), '--stream', 'order-a'], one)).toBe(EXIT.ok);
    const table = capture();
    expect(await runCli(['verify', ...target()], table)).toBe(EXIT.problemFound);
    expect(table.stdout.join('\n')).toMatch(/BROKEN\s+order-b v2: hash_mismatch/);
  });

  it('says when a database holds no event store, with exit code 3', async () => {
    const io = capture();
    expect(await runCli(['verify', '--service', 'intake', '--database-url', testDatabaseUrl(), '--schema', 'no_such_schema'], io)).toBe(EXIT.unavailable);
    expect(io.stdout.join('\n')).toContain('no event store in schema no_such_schema');
  });

  it('finds the streams of a bare order id, and exits 1 with a clear message when nothing matches', async () => {
    const bare = capture();
    expect(await runCli(['verify', ...target(), '--stream', 'a', '--json'], bare)).toBe(EXIT.ok);
    expect(JSON.parse(bare.stdout.join('\n'))).toMatchObject({ ok: true, stores: [{ streams: ['order-a'], result: { checkedStreams: 1, checkedEvents: 3 } }] });

    const none = capture();
    expect(await runCli(['verify', ...target(), '--stream', 'order-zzz'], none)).toBe(EXIT.problemFound);
    expect(none.stdout.join('\n')).toMatch(/intake\s+0\s+0\s+no such stream/);
    expect(none.stderr.join('\n')).toContain('no stream "order-zzz" (nor one ending with -order-zzz) in intake; nothing was verified');
  });

  it('answers wrong usage with a precise message and exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['verify', '--service', 'nope'], /unknown service "nope"/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['verify', '--bogus'], /unknown option '--bogus'/],
      [['dlq', 'show', '--partition', '0', '--offset', '0'], /missing required argument 'topic'/],
      [['dlq', 'show', 't', '--partition', 'x', '--offset', '0'], /option '--partition <p>' argument 'x' is invalid/],
      [['checksum', 'order-summary', '--version', 'v2'], /argument 'v2' is invalid/],
      [[], /Usage: npm run ops/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      expect(await runCli(args, io)).toBe(EXIT.usage);
      expect(io.stderr.join('\n')).toMatch(message);
    }
  });

  it('has a --help per command (exit 0)', async () => {
    for (const [args, option] of [[['verify', '--help'], '--stream <id>'], [['dlq', 'resolve', '--help'], '--note <text>'], [['replay', '--help'], '--dry-run'],
      [['status', '--help'], '--store-schema'], [['--help'], 'status']] as const) {
      const io = capture();
      expect(await runCli(args, io)).toBe(EXIT.ok);
      expect(io.stdout.join('\n')).toContain(option);
    }
  });
});
