// The default consumer shares one inbox transaction among a partition's messages: a failing message is isolated
// (the others commit once, it is retried or dead-lettered as alone, the partition moves on), and a crash inside or
// after a shared transaction never applies an effect twice.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventStore } from '@orders/event-store';
import { Kafka, logLevel } from 'kafkajs';
import {
  createConsumer,
  DeadLetters,
  HEADER,
  NonRetryableError,
  provisionTopics,
  type Consumer,
  type InboundMessage,
} from '../src';
import {
  applyEffectSql,
  brokers,
  consumerDatabaseUrl,
  consumerSide,
  kafkaOptions,
  unique,
  until,
  upstream,
  type ConsumerSide,
} from './support';

let side: ConsumerSide;
let source: Awaited<ReturnType<typeof upstream>>;
const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
const running: Consumer[] = [];

beforeAll(async () => {
  side = await consumerSide('shared');
  source = await upstream();
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await admin.disconnect();
  await source?.close();
  await side?.drop();
});

const event = (id: string, n: number, type = 'Fine') => ({
  key: 'order-1',
  value: JSON.stringify({ n }),
  headers: { [HEADER.eventId]: id, [HEADER.eventType]: type },
});

async function committed(groupId: string, topic: string): Promise<bigint> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return BigInt(entry.partitions[0].offset);
}

const effectsOf = async (prefix: string) => (await side.effects()).filter((e) => e.message_id.startsWith(prefix));

it('isolates a poisoned and a flaky message in a shared batch: the others commit once, the partition moves on', async () => {
  const topic = unique('msg-it.shared');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  const type = (n: number) => (n === 12 ? 'Poison' : n === 20 ? 'Flaky' : 'Fine');
  // all sent before the consumer starts: one fetch, one run of 30 messages
  await source.send(
    topic,
    Array.from({ length: 30 }, (_, n) => event(`${topic}/${n}`, n, type(n))),
  );
  const calls = new Map<string, number>();
  const transactionOf = new Map<string, string>();
  const consumer = createConsumer({
    kafka: kafkaOptions(),
    groupId: unique('it-shared'),
    topics: [topic],
    pool: side.pool,
    inboxSchema: side.schema,
    retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 10 },
    handle: async (m: InboundMessage, { tx }) => {
      const count = (calls.get(m.id) ?? 0) + 1;
      calls.set(m.id, count);
      if (m.type === 'Poison') throw new NonRetryableError('poisoned');
      if (m.type === 'Flaky' && count === 1) throw new Error('a passing outage');
      await tx.query(applyEffectSql(side.schema), [m.id, m.key, (m.payload as { n: number }).n]);
      transactionOf.set(m.id, (await tx.query('SELECT txid_current()::text AS id')).rows[0].id);
    },
  });
  running.push(consumer);
  await consumer.start();
  await until('the run settled', async () => (await committed(consumer.groupId, topic)) === 30n);

  const good = Array.from({ length: 30 }, (_, n) => n).filter((n) => n !== 12);
  const effects = await effectsOf(topic);
  // every other message applied exactly once, in offset order (the flaky one in its place, not after the rest)
  expect(effects.map((e) => [e.seq, e.applied])).toEqual(good.map((n) => [n, 1]));
  const transactions = new Set(good.map((n) => transactionOf.get(`${topic}/${n}`)));
  expect(transactions.size).toBeLessThan(good.length / 3); // messages shared transactions
  expect(calls.get(`${topic}/12`)).toBe(1); // a content error is dead-lettered at once, as alone
  expect(calls.get(`${topic}/20`)).toBe(2); // an outage is retried: its failure in the batch was attempt 1
  const deadLetters = new DeadLetters({ kafka: kafkaOptions() });
  try {
    expect(
      (await deadLetters.list(topic)).map((l) => [l.headers[HEADER.eventId], l.error.classification, l.error.attempts]),
    ).toEqual([[`${topic}/12`, 'non-retryable', 1]]);
  } finally {
    await deadLetters.close();
  }

  // the partition is not stuck: later messages flow and commit
  await source.send(
    topic,
    Array.from({ length: 5 }, (_, i) => event(`${topic}/${30 + i}`, 30 + i)),
  );
  await until('the later messages committed', async () => (await committed(consumer.groupId, topic)) === 35n);
  expect((await effectsOf(topic)).map((e) => e.seq)).toEqual([...good, 30, 31, 32, 33, 34]);
}, 60_000);

it('keeps to one message per transaction once a handler turns out to append to an event store', async () => {
  const store = await EventStore.create({
    pool: side.pool,
    schema: `${side.schema}_store`,
    notifications: { listen: false },
  });
  try {
    const topic = unique('msg-it.appender');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    await source.send(
      topic,
      Array.from({ length: 10 }, (_, n) => event(`${topic}/${n}`, n)),
    );
    const consumer = createConsumer({
      kafka: kafkaOptions(),
      groupId: unique('it-appender'),
      topics: [topic],
      pool: side.pool,
      inboxSchema: side.schema,
      retry: { attempts: 1, initialDelayMs: 5, maxDelayMs: 10 },
      handle: async (m: InboundMessage, { tx }) => {
        // the append must be the transaction's first write: only a transaction of its own can give it that
        await store.appendWithin(tx, `appender-${m.id}`, 'any', [{ type: 'Seen', data: { messageId: m.id } }]);
        await tx.query(applyEffectSql(side.schema), [m.id, m.key, (m.payload as { n: number }).n]);
      },
    });
    running.push(consumer);
    await consumer.start();
    await until('all ten settled', async () => (await committed(consumer.groupId, topic)) === 10n);
    // none dead-lettered (attempts: 1 would have sent a failing one there at once), each applied and appended once
    expect((await effectsOf(topic)).map((e) => [e.seq, e.applied])).toEqual(
      Array.from({ length: 10 }, (_, n) => [n, 1]),
    );
    const { rows } = await side.pool.query(`SELECT count(*)::int AS n FROM "${side.schema}_store".events`);
    expect(rows[0].n).toBe(10);
  } finally {
    await store.close();
    await side.pool.query(`DROP SCHEMA IF EXISTS "${side.schema}_store" CASCADE`);
  }
}, 60_000);

it('rolls a run back when stopped in the middle of it, and its successor applies each message once', async () => {
  const topic = unique('msg-it.shared-stop');
  const group = unique('it-shared-stop');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  await source.send(
    topic,
    Array.from({ length: 20 }, (_, n) => event(`${topic}/${n}`, n)),
  );
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered = false;
  const consumer = createConsumer({
    kafka: kafkaOptions(),
    groupId: group,
    topics: [topic],
    pool: side.pool,
    inboxSchema: side.schema,
    handle: async (m: InboundMessage, { tx }) => {
      await tx.query(applyEffectSql(side.schema), [m.id, m.key, (m.payload as { n: number }).n]);
      if (m.id !== `${topic}/5`) return;
      entered = true;
      await gate;
    },
  });
  await consumer.start();
  await until('the run at its sixth message', () => entered);
  const stopped = consumer.stop();
  release();
  await stopped; // not held up by the fourteen messages left in the run
  expect(await effectsOf(topic)).toEqual([]);
  expect(await committed(group, topic)).toBe(-1n);
  await successor(topic, group, topic, 20);
}, 60_000);

/** Starts test/crash-child.ts on a group and resolves once it printed `signal`; the caller kills it. */
async function crashChild(
  topic: string,
  group: string,
  crashAt: string,
  when: 'after-commit' | 'before-commit',
  signal: string,
) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'crash-child.ts')], {
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.json'),
      TOPIC: topic,
      GROUP: group,
      SCHEMA: side.schema,
      DATABASE_URL: consumerDatabaseUrl(),
      CRASH_AT: crashAt,
      CRASH_WHEN: when,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await until(`the child printed ${signal}`, () => output.includes(signal), 60_000);
  child.kill('SIGKILL');
  await exited;
}

/** A successor on the same group; resolves with the ids it found already handled once all `count` are applied. */
async function successor(topic: string, group: string, prefix: string, count: number): Promise<string[]> {
  const duplicates: string[] = [];
  const consumer = createConsumer({
    kafka: kafkaOptions(),
    groupId: group,
    topics: [topic],
    pool: side.pool,
    inboxSchema: side.schema,
    sessionTimeoutMs: 3000,
    handle: async (message, { tx }) => {
      await tx.query(applyEffectSql(side.schema), [message.id, message.key, (message.payload as { n: number }).n]);
    },
    onHandled: (message, outcome) => {
      if (outcome === 'duplicate') duplicates.push(message.id);
    },
  });
  running.push(consumer);
  await consumer.start();
  await until(
    'the successor committed everything',
    async () => (await committed(group, topic)) === BigInt(count),
    60_000,
  );
  expect((await effectsOf(prefix)).map((e) => [e.seq, e.applied])).toEqual(
    Array.from({ length: count }, (_, n) => [n, 1]),
  );
  return duplicates;
}

describe('a consumer killed around a shared transaction', () => {
  it('after its commit and before the offset commit: every message of the batch redelivered, none applied twice', async () => {
    const topic = unique('msg-it.crash-after');
    const group = unique('it-crash-after');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    await source.send(
      topic,
      Array.from({ length: 20 }, (_, n) => event(`${topic}/${n}`, n)),
    );
    await crashChild(topic, group, `${topic}/4`, 'after-commit', `effect-committed ${topic}/4`);
    // the shared transaction committed all twenty effects together; no offset reached the broker
    expect((await effectsOf(topic)).length).toBe(20);
    expect(await committed(group, topic)).toBeLessThan(5n);

    const duplicates = await successor(topic, group, topic, 20);
    expect(duplicates).toEqual(Array.from({ length: 20 }, (_, n) => `${topic}/${n}`));
  }, 90_000);

  it('inside the transaction, after some effects: nothing of the batch committed, each applied once on redelivery', async () => {
    const topic = unique('msg-it.crash-inside');
    const group = unique('it-crash-inside');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    await source.send(
      topic,
      Array.from({ length: 20 }, (_, n) => event(`${topic}/${n}`, n)),
    );
    await crashChild(topic, group, `${topic}/9`, 'before-commit', `effect-written ${topic}/9`);
    // the effects of the first nine were written in the same open transaction: the kill rolled them back
    await until(
      'the killed session gone',
      async () =>
        (
          await side.pool.query(
            `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'effects'
         AND c.relnamespace = $1::regnamespace`,
            [side.schema],
          )
        ).rowCount === 0,
    );
    expect(await effectsOf(topic)).toEqual([]);

    const duplicates = await successor(topic, group, topic, 20);
    expect(duplicates).toEqual([]);
  }, 90_000);
});
