import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { provisionTopics } from '@orders/messaging';
import { Client } from 'pg';
import { runCli } from '../src/cli';
import { EXIT } from '../src/exit-codes';
import { runProjectorOperation } from '../src/projector-operations';
import { capture } from './capture';
import { seedReadModels, type SeededReadModels } from './read-model-seed';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
jest.setTimeout(120_000);

describe('ops rebuild | checksum | replay on a real read-model database', () => {
  let seeded: SeededReadModels;
  const target = () => ['--database-url', seeded.url, '--schema', seeded.schema];
  const run = async (args: string[]) => {
    const io = capture();
    const code = await runCli([...args, ...target()], io);
    return { code, io, json: () => JSON.parse(io.stdout.join('\n')) };
  };
  const sum = async () => (await run(['checksum', 'order-summary', '--json'])).json();

  beforeAll(async () => {
    seeded = await seedReadModels(30);
  });

  afterAll(async () => {
    await seeded?.drop();
  });

  it('rebuild folds the journal into a new version with a progress bar, then switches to it', async () => {
    const result = await run(['rebuild', 'order-summary', '--batch-size', '20']);
    expect(result.code).toBe(EXIT.ok);
    expect(
      result.io.progressed.some((line) => /building order-summary v2 \[#+-*\] +\d+% {2}\d+\/\d+ {2}ETA/.test(line)),
    ).toBe(true);
    expect(result.io.progressed).toContainEqual(expect.stringMatching(/^done order-summary v2 \[#{30}\] 100%/));
    expect(result.io.stdout.join('\n')).toMatch(
      new RegExp(`order-summary: v2 serves now \\(was v1\\); ${seeded.events.length} events folded`),
    );
  });

  it('checksum: a line for people, JSON for scripts; a from-scratch rebuild has the same sum', async () => {
    const table = await run(['checksum', 'order-summary']);
    expect(table.code).toBe(EXIT.ok);
    expect(table.io.stdout.join('\n')).toMatch(/^order-summary v2 {2}30 rows {2}[0-9a-f]{32}$/);
    const before = await sum();
    expect(before).toEqual({
      projection: 'order-summary',
      version: 2,
      rows: 30,
      checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect((await run(['rebuild', 'order-summary', '--json'])).json()).toMatchObject({
      version: 3,
      previousVersion: 2,
      resumed: false,
    });
    expect(await sum()).toEqual({ ...before, version: 3 });
    expect((await run(['checksum', 'order-timeline', '--json'])).json()).toMatchObject({
      rows: seeded.events.length,
      version: null,
    });
  });

  it('rebuild resumes a rebuild a crash interrupted, and says so', async () => {
    const before = await sum();
    const crashed = await runProjectorOperation<{ interrupted: boolean; version: number }>(
      'rebuild',
      { connection: seeded.url, schema: seeded.schema },
      { batchSize: 10, stopAfterBatches: 2 },
    );
    expect(crashed.interrupted).toBe(true);
    const result = await run(['rebuild', 'order-summary', '--json']);
    expect(result.code).toBe(EXIT.ok);
    expect(result.json()).toMatchObject({ version: crashed.version, resumed: true, processed: seeded.events.length });
    expect(await sum()).toEqual({ ...before, version: crashed.version });
  });

  it('rebuild exits 4 while another process holds the rebuild', async () => {
    const holder = new Client({ connectionString: seeded.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`projector-rebuild:${seeded.schema}`]);
      const result = await run(['rebuild', 'order-summary']);
      expect(result.code).toBe(EXIT.busy);
      expect(result.io.stderr.join('\n')).toContain('another process is rebuilding');
    } finally {
      await holder.end();
    }
  });

  it('rebuild --only / --from re-fold just those orders in place', async () => {
    const before = await sum();
    await seeded.pool.query(
      `UPDATE "${seeded.schema}".order_summary_v${before.version} SET status = 'DRIFTED' WHERE order_id IN ('ops-4', 'ops-9')`,
    );
    expect((await sum()).checksum).not.toBe(before.checksum);
    expect((await run(['rebuild', 'order-summary', '--only', 'order:ops-4', '--json'])).json()).toMatchObject({
      orders: 1,
    });
    const company = await run(['rebuild', 'order-summary', '--only', 'company:company-1']);
    expect(company.io.stdout.join('\n')).toMatch(/re-folded 8 order\(s\)/);
    expect(await sum()).toEqual(before);
    expect((await run(['rebuild', 'order-summary', '--from', '1', '--json'])).json()).toMatchObject({ orders: 30 });
    expect((await run(['rebuild', 'order-summary', '--from', seeded.events[100]?.occurredAt as string])).code).toBe(
      EXIT.ok,
    );
    expect(await sum()).toEqual(before);
    for (const bad of [
      ['--only', 'ops-4'],
      ['--from', 'yesterday'],
      ['--only', 'order:x', '--from', '1'],
    ]) {
      expect((await run(['rebuild', 'order-summary', ...bad])).code).toBe(EXIT.usage);
    }
    expect((await run(['rebuild', 'order-timeline'])).code).toBe(EXIT.usage);
  });

  const kcat = (topic: string) =>
    execFileSync('kcat', ['-C', '-b', BROKERS, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k|%h\\n'], {
      encoding: 'utf8',
      timeout: 20_000,
    })
      .split('\n')
      .filter(Boolean);

  it("replay re-feeds only the chosen orders, only the target contract's types, with their original event ids (read by kcat)", async () => {
    // A prefixed topic stands in for intake.order-events.v1 (as the e2e's topics do): intake's contract applies.
    const topic = `ops-replay-${randomBytes(4).toString('hex')}.intake.order-events.v1`;
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [{ topic, partitions: 2 }]);
    const one = await run(['replay', '--order', 'ops-7', '--to-topic', topic, '--brokers', BROKERS, '--json']);
    expect(one.code).toBe(EXIT.ok);
    const since = seeded.events.find((e) => e.orderId === 'ops-20')?.occurredAt as string;
    const company = await run([
      'replay',
      '--company',
      'company-0',
      '--since',
      since,
      '--to-topic',
      topic,
      '--brokers',
      BROKERS,
      '--yes',
    ]);
    expect(company.code).toBe(EXIT.ok);
    const intake = seeded.events.filter((e) => e.source === 'intake');
    const chosen = intake.filter((e) => e.orderId === 'ops-7' || (e.tenantId === 'company-0' && e.occurredAt >= since));
    expect(one.json()).toMatchObject({
      events: 2,
      orders: 1,
      contractTopic: 'intake.order-events.v1',
      byType: { ExternalOrderReceived: 1, ExternalOrderAccepted: 1 },
      sent: true,
    });

    const lines = kcat(topic);
    expect(lines).toHaveLength(chosen.length);
    expect(new Set(lines.map((l) => /event-type=([^,|]+)/.exec(l)?.[1]))).toEqual(
      new Set(['ExternalOrderReceived', 'ExternalOrderAccepted']),
    );
    expect(new Set(lines.map((l) => /event-id=([^,|]+)/.exec(l)?.[1]))).toEqual(new Set(chosen.map((e) => e.eventId)));
    expect(lines[0]).toContain('replayed-by=ops-cli');
    expect(
      (await run(['replay', '--order', 'ops-7', '--to-topic', `missing-${topic}`, '--brokers', BROKERS])).code,
    ).toBe(EXIT.problemFound);
  });

  it("replay refuses types outside the target topic's contract, and a topic whose contract it cannot tell", async () => {
    const onIntake = await run([
      'replay',
      '--order',
      'ops-4',
      '--to-topic',
      'intake.order-events.v1',
      '--type',
      'DeliveryCreated',
      '--brokers',
      BROKERS,
    ]);
    expect(onIntake.code).toBe(EXIT.usage);
    expect(onIntake.io.stderr.join('\n')).toContain('DeliveryCreated is not in the contract of intake.order-events.v1');
    const wrongSource = await run([
      'replay',
      '--order',
      'ops-4',
      '--to-topic',
      'intake.order-events.v1',
      '--source',
      'courier-tracking',
      '--brokers',
      BROKERS,
    ]);
    expect(wrongSource.code).toBe(EXIT.usage);
    expect(wrongSource.io.stderr.join('\n')).toContain(
      'publishes to courier.delivery-events.v1, not to intake.order-events.v1',
    );
    const scratch = await run(['replay', '--order', 'ops-4', '--to-topic', 'scratch-topic', '--brokers', BROKERS]);
    expect(scratch.code).toBe(EXIT.usage);
    expect(scratch.io.stderr.join('\n')).toContain('give --source');
    expect((await run(['replay', '--company', 'company-0', '--to-topic', 'intake.order-events.v1'])).code).toBe(
      EXIT.usage,
    );
  });

  it('replay --dry-run shows what it would send and sends nothing; --source and --type narrow it', async () => {
    const dry = await run([
      'replay',
      '--order',
      'ops-4',
      '--to-topic',
      'intake.order-events.v1',
      '--dry-run',
      '--brokers',
      BROKERS,
    ]);
    expect(dry.code).toBe(EXIT.ok);
    const text = dry.io.stdout.join('\n');
    expect(text).toMatch(
      /^dry run: would replay 2 event\(s\) of 1 order\(s\) from intake \(1 ExternalOrderReceived, 1 ExternalOrderAccepted\) to intake.order-events.v1; nothing sent/,
    );
    expect(text).not.toMatch(/Delivery/);
    const scratch = `ops-replay-${randomBytes(4).toString('hex')}`;
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [{ topic: scratch, partitions: 1 }]);
    const narrowed = await run([
      'replay',
      '--order',
      'ops-4',
      '--to-topic',
      scratch,
      '--source',
      'courier-tracking',
      '--type',
      'DeliveryFinished',
      '--dry-run',
      '--json',
      '--brokers',
      BROKERS,
    ]);
    expect(narrowed.json()).toMatchObject({ events: 1, types: ['DeliveryFinished'], dryRun: true, sent: false });
    expect(kcat(scratch)).toHaveLength(0);
  });

  it('replay asks for confirmation on a terminal: no sends nothing, yes sends; --yes does not ask', async () => {
    const topic = `ops-replay-${randomBytes(4).toString('hex')}`;
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [{ topic, partitions: 1 }]);
    const args = [
      'replay',
      '--order',
      'ops-5',
      '--to-topic',
      topic,
      '--source',
      'marketplace-cancellations',
      '--brokers',
      BROKERS,
      ...target(),
    ];
    const questions: string[] = [];
    const refused = {
      ...capture(),
      confirm: async (q: string) => {
        questions.push(q);
        return false;
      },
    };
    expect(await runCli(args, refused)).toBe(EXIT.problemFound);
    expect(questions[0]).toMatch(
      new RegExp(
        `^replay 2 event\\(s\\) of 1 order\\(s\\) from marketplace-cancellations .* to ${topic}\\? \\[y/N\\] $`,
      ),
    );
    expect(refused.stderr.join('\n')).toContain('not confirmed; nothing sent');
    expect(kcat(topic)).toHaveLength(0);
    const agreed = { ...capture(), confirm: async () => true };
    expect(await runCli(args, agreed)).toBe(EXIT.ok);
    const unasked = {
      ...capture(),
      confirm: async (): Promise<boolean> => {
        throw new Error('asked despite --yes');
      },
    };
    expect(await runCli([...args, '--yes'], unasked)).toBe(EXIT.ok);
    expect(kcat(topic)).toHaveLength(4);
  });

  it('checksum of a version that does not exist names the versions present (exit 1)', async () => {
    const result = await run(['checksum', 'order-summary', '--version', '99']);
    expect(result.code).toBe(EXIT.problemFound);
    expect(result.io.stderr.join('\n')).toMatch(
      new RegExp(
        `^ops: no version 99 of order-summary in schema ${seeded.schema}; versions present: (\\d+, )*(\\d+) \\(v\\2 serves\\)$`,
      ),
    );
  });

  it('says when the database holds no read models (exit 3)', async () => {
    const io = capture();
    expect(
      await runCli(['checksum', 'order-summary', '--database-url', seeded.url, '--schema', 'no_such_schema'], io),
    ).toBe(EXIT.unavailable);
    expect(io.stderr.join('\n')).toContain('no read models here');
  });
});
