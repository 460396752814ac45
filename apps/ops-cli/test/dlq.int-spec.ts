import { randomBytes } from 'node:crypto';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { createConsumer, NonRetryableError, provisionTopics, type Consumer } from '@orders/messaging';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { runCli } from '../src/cli';
import { EXIT } from '../src/exit-codes';
import { capture } from './capture';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
jest.setTimeout(60_000);

// The runner reports each dead letter as a warning; the assertions read them from the topic instead.
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ops dlq list | show | redrive with a dead letter made by the messaging consumer runner', () => {
  const id = randomBytes(4).toString('hex');
  const topic = `ops-dlq-${id}`;
  const schema = `ops_dlq_${id}`;
  let pool: Pool;
  let consumer: Consumer;
  let producer: Producer;
  // The handler's effect, written through the inbox transaction: what committed, once per message (a handler may
  // run again after its shared transaction was rolled back for another message's failure).
  const effects = `ops_dlq_effects_${id}`;
  const committed = async () =>
    (await pool.query<{ id: string }>(`SELECT id FROM "${effects}" ORDER BY id`)).rows.map((row) => row.id);

  // The handled marks go to a schema of this test's own in the test database.
  const marks = `ops_dlq_marks_${id}`;
  const run = async (args: string[]) => {
    const io = capture();
    const code = await runCli(
      [...args, '--brokers', BROKERS, '--database-url', testDatabaseUrl(), '--schema', marks],
      io,
    );
    return { code, io, json: () => JSON.parse(io.stdout.join('\n')) };
  };
  const listed = async () => (await run(['dlq', 'list', topic, '--json'])).json() as Array<Record<string, string>>;

  beforeAll(async () => {
    await ensureTestDatabase();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
    await pool.query(`CREATE TABLE "${effects}" (id text NOT NULL)`);
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [{ topic, partitions: 1 }]);
    consumer = createConsumer({
      kafka: { brokers: BROKERS, clientId: 'ops-dlq-it', logLevel: 'nothing', logger: quiet },
      groupId: `ops-dlq-${id}`,
      topics: [topic],
      pool,
      inboxSchema: schema,
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
      handle: async (message, { tx }) => {
        if ((message.payload as { poison?: boolean }).poison)
          throw new NonRetryableError('the order does not exist here');
        await tx.query(`INSERT INTO "${effects}" (id) VALUES ($1)`, [message.id]);
      },
    });
    await consumer.start();
    producer = new Kafka({ brokers: [BROKERS], clientId: 'ops-dlq-it', logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: 'order-1',
          value: JSON.stringify({ ok: true }),
          headers: { 'event-id': `ok-${id}`, 'event-type': 'Fine' },
        },
        {
          key: 'order-2',
          value: JSON.stringify({ poison: true }),
          headers: { 'event-id': `poison-${id}`, 'event-type': 'Poison' },
        },
      ],
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await consumer?.stop();
    await pool?.query(`DROP TABLE IF EXISTS "${effects}"`);
    await pool?.end();
    await dropSchema(testDatabaseUrl(), schema);
    await dropSchema(testDatabaseUrl(), marks);
  });

  it('lists the dead letter as a table and as JSON', async () => {
    const letters = await until(listed, (l) => l.length === 1);
    expect(letters[0]).toMatchObject({
      dlq: `${topic}.dlq/0@0`,
      origin: `${topic}/0@1`,
      eventType: 'Poison',
      eventId: `poison-${id}`,
      classification: 'non-retryable',
      error: expect.stringContaining('the order does not exist here'),
    });
    expect(await until(committed, (ids) => ids.length > 0)).toEqual([`ok-${id}`]);
    const table = await run(['dlq', 'list', `${topic}.dlq`]);
    expect(table.code).toBe(EXIT.ok);
    expect(table.io.stdout.join('\n')).toMatch(
      new RegExp(`${topic}.dlq/0@0\\s+${topic}/0@1\\s+Poison\\s+non-retryable`),
    );
  });

  it('shows one dead letter with its headers and body, and exits 1 for an offset with none', async () => {
    const shown = await run(['dlq', 'show', topic, '--partition', '0', '--offset', '0']);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.json()).toMatchObject({
      key: 'order-2',
      value: '{"poison":true}',
      headers: { 'dlq-origin-topic': topic, 'event-id': `poison-${id}` },
    });
    expect((await run(['dlq', 'show', topic, '--partition', '0', '--offset', '99'])).code).toBe(EXIT.problemFound);
  });

  it('redrives it to the origin topic with the same event id and marks it redriven; the consumer dead-letters it again', async () => {
    const moved = await run([
      'dlq',
      'redrive',
      topic,
      '--partition',
      '0',
      '--offset',
      '0',
      '--by',
      'ops-tester',
      '--json',
    ]);
    expect(moved.code).toBe(EXIT.ok);
    expect(moved.json()).toMatchObject({
      from: { topic: `${topic}.dlq`, partition: 0, offset: '0' },
      to: { topic, partition: 0, offset: '2' },
    });
    const letters = await until(listed, (l) => l.length === 2);
    expect(letters[0]).toMatchObject({
      handled: { action: 'redriven', by: 'ops-tester', redrivenTo: `${topic}/0@2`, at: expect.any(String) },
    });
    expect(letters[1]).toMatchObject({
      origin: `${topic}/0@2`,
      eventId: `poison-${id}`,
      handled: null,
      redrivenFrom: `${topic}.dlq/0@0`,
    });
    const table = (await run(['dlq', 'list', topic])).io.stdout.join('\n');
    expect(table).toMatch(new RegExp(`${topic}.dlq/0@0 .*redriven to ${topic}/0@2 by ops-tester`));
    expect(table).toMatch(new RegExp(`${topic}.dlq/0@1 .*Poison\\s+non-retryable\\s+\\d+\\s+open`));
  });

  it('resolves a letter with who, when and a note; list --all counts letters, handled and open per dead-letter topic', async () => {
    const resolved = await run([
      'dlq',
      'resolve',
      topic,
      '--partition',
      '0',
      '--offset',
      '1',
      '--by',
      'alice',
      '--note',
      'order re-created by hand',
    ]);
    expect(resolved.code).toBe(EXIT.ok);
    expect(resolved.io.stdout.join('\n')).toMatch(
      new RegExp(`resolved ${topic}.dlq/0@1: resolved by alice \\S+ \\(order re-created by hand\\)`),
    );
    expect((await listed())[1]).toMatchObject({
      handled: { action: 'resolved', by: 'alice', note: 'order re-created by hand' },
    });
    expect((await run(['dlq', 'resolve', topic, '--partition', '0', '--offset', '9'])).code).toBe(EXIT.problemFound);

    const overview = await run(['dlq', 'list', '--all', '--json']);
    expect(overview.code).toBe(EXIT.ok);
    expect(overview.json()).toContainEqual({
      dlqTopic: `${topic}.dlq`,
      origin: topic,
      letters: 2,
      handled: 2,
      open: 0,
    });
    expect((await run(['dlq', 'list', '--all', '--prefix', topic])).io.stdout.join('\n')).toMatch(
      new RegExp(`${topic}.dlq\\s+2\\s+2\\s+0`),
    );
  });

  it('redrive --all leaves handled letters alone', async () => {
    const all = await run(['dlq', 'redrive', topic, '--partition', '0', '--all', '--json']);
    expect(all.code).toBe(EXIT.ok);
    expect(all.json()).toEqual([]);
  });

  it('exits 1 for a topic that never had a dead letter', async () => {
    const none = await run(['dlq', 'list', `never-${id}`]);
    expect(none.code).toBe(EXIT.problemFound);
    expect(none.io.stderr.join('\n')).toContain('no dead-letter topic');
  });
});
