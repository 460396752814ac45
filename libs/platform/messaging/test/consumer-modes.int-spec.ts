// Batched transactions for projection-style handlers, graceful shutdown, and the Prometheus metrics.
import { Kafka, logLevel } from 'kafkajs';
import { register } from 'prom-client';
import { createConsumer, DeadLetters, HEADER, NonRetryableError, provisionTopics, type Consumer } from '../src';
import { applyEffectSql, brokers, consumerSide, kafkaOptions, unique, until, upstream, type ConsumerSide } from './support';

let side: ConsumerSide;
let source: Awaited<ReturnType<typeof upstream>>;
const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
const running: Consumer[] = [];

beforeAll(async () => {
  side = await consumerSide('modes');
  source = await upstream();
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await admin.disconnect();
  await source?.close();
  await side?.drop();
});

const message = (id: string, type = 'Fine') => ({ key: 'order-1', value: '{}', headers: { [HEADER.eventId]: id, [HEADER.eventType]: type } });

async function committed(groupId: string, topic: string): Promise<bigint> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return BigInt(entry.partitions[0].offset);
}

it('shares transactions in batched mode, drops duplicates inside a chunk and falls back per message on a failure', async () => {
  const topic = unique('msg-it.batched');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  const transactionOf = new Map<string, string>();
  const consumer = createConsumer({
    kafka: kafkaOptions(), groupId: unique('it-batched'), topics: [topic], pool: side.pool, inboxSchema: side.schema,
    batchTransactions: 50, retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
    handle: async (m, { tx }) => {
      if (m.type === 'Refused') throw new NonRetryableError('refused');
      await tx.query(applyEffectSql(side.schema), [m.id, m.key, 0]);
      transactionOf.set(m.id, (await tx.query('SELECT txid_current()::text AS id')).rows[0].id);
    },
  });
  running.push(consumer);
  await consumer.start();

  // a relay resend after a crash can repeat an event right behind itself
  await source.send(topic, ['p-1', 'p-2', 'p-2', 'p-3', 'p-4', 'p-5'].map((id) => message(id)));
  await until('the clean chunk handled', async () => (await committed(consumer.groupId, topic)) === 6n);
  const clean = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'].map((id) => transactionOf.get(id));
  expect(new Set(clean).size).toBeLessThan(clean.length); // messages shared a transaction

  await source.send(topic, [message('q-1'), message('q-2', 'Refused'), message('q-3')]);
  await until('the failing chunk handled', async () => (await committed(consumer.groupId, topic)) === 9n);
  const effects = await side.effects();
  expect(effects.filter((e) => /^[pq]-/.test(e.message_id)).map((e) => [e.message_id, e.applied]))
    .toEqual([['p-1', 1], ['p-2', 1], ['p-3', 1], ['p-4', 1], ['p-5', 1], ['q-1', 1], ['q-3', 1]]);
  const deadLetters = new DeadLetters({ kafka: kafkaOptions() });
  try {
    expect((await deadLetters.list(topic)).map((l) => [l.headers[HEADER.eventId], l.error.classification])).toEqual([['q-2', 'non-retryable']]);
  } finally {
    await deadLetters.close();
  }
}, 60_000);

it('finishes the message in flight on stop and commits its offset', async () => {
  const topic = unique('msg-it.drain');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  let entered = false;
  const consumer = createConsumer({
    kafka: kafkaOptions(), groupId: unique('it-drain'), topics: [topic], pool: side.pool, inboxSchema: side.schema,
    handle: async (m, { tx }) => {
      entered = true;
      await gate;
      await tx.query(applyEffectSql(side.schema), [m.id, m.key, 0]);
    },
  });
  await consumer.start();
  await source.send(topic, [message('d-1')]);
  await until('the handler running', () => entered);
  const stopped = consumer.stop();
  release();
  await stopped;
  expect((await side.effects()).find((e) => e.message_id === 'd-1')).toMatchObject({ applied: 1 });
  expect(await committed(consumer.groupId, topic)).toBe(1n);
}, 60_000);

it('exposes lag, counts and latency in the default Prometheus registry', async () => {
  const text = await register.metrics();
  for (const name of ['messaging_consumer_lag', 'messaging_handled_total', 'messaging_duplicates_total', 'messaging_dead_lettered_total',
    'messaging_handler_duration_seconds_bucket', 'messaging_retried_total', 'messaging_relay_lag_seconds']) {
    expect(text).toContain(name);
  }
  expect(text).toMatch(/messaging_dead_lettered_total\{group="it-batched_[0-9a-f]+",topic="msg-it\.batched_[0-9a-f]+",classification="non-retryable"\} 1/);
  expect(text).toMatch(/messaging_consumer_lag\{group="it-drain_[0-9a-f]+",topic="msg-it\.drain_[0-9a-f]+",partition="0"\} 0/);
});
