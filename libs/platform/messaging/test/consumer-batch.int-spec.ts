// The batch handler: a chunk of one partition per transaction that begins with an event-store append, exactly-once
// effects under redelivery, the per-message fallback around a poison message, and per-key order.
import { EventStore } from '@orders/event-store';
import { Kafka, logLevel } from 'kafkajs';
import { createConsumer, DeadLetters, HEADER, NonRetryableError, provisionTopics, type Consumer, type InboundMessage } from '../src';
import type { BatchHandler } from '../src/consumer';
import { applyEffectSql, consumerSide, brokers, kafkaOptions, unique, until, upstream, type ConsumerSide } from './support';

let side: ConsumerSide;
let store: EventStore;
let source: Awaited<ReturnType<typeof upstream>>;
const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
const running = new Set<Consumer>();

beforeAll(async () => {
  side = await consumerSide('batch');
  // The store lives in the consumer's database and schema family, as a projector's outbox does.
  store = await EventStore.create({ pool: side.pool, schema: `${side.schema}_store`, notifications: { listen: false } });
  source = await upstream();
  await admin.connect();
});

afterAll(async () => {
  await Promise.all([...running].map((c) => c.stop()));
  await admin.disconnect();
  await source?.close();
  await store?.close();
  await side?.pool.query(`DROP SCHEMA IF EXISTS "${side.schema}_store" CASCADE`);
  await side?.drop();
});

const message = (id: string, key: string, seq: number, type = 'Fine') => ({
  key, value: JSON.stringify({ seq }), headers: { [HEADER.eventId]: id, [HEADER.eventType]: type },
});

async function committedTotal(groupId: string, topic: string): Promise<bigint> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return entry.partitions.reduce((sum, p) => sum + (p.offset === '-1' ? 0n : BigInt(p.offset)), 0n);
}

/** A handler in the shape the projector needs: one append for the whole chunk FIRST, then row effects in order. */
function recordingHandler(calls: InboundMessage[][], poisonType?: string): BatchHandler {
  return async (messages, { tx }) => {
    calls.push(messages);
    const partition = messages[0].partition;
    await store.appendWithin(tx, `chunk-${messages[0].topic}-${partition}`, 'any',
      messages.map((m) => ({ type: 'Seen', data: { messageId: m.id } })));
    for (const m of messages) {
      if (m.type === poisonType) throw new NonRetryableError('poison');
      await tx.query(applyEffectSql(side.schema), [m.id, m.key, (m.payload as { seq: number }).seq]);
    }
  };
}

async function consume(topic: string, groupId: string, handleBatch: BatchHandler): Promise<Consumer> {
  const consumer = createConsumer({
    kafka: kafkaOptions(), groupId, topics: [topic], pool: side.pool, inboxSchema: side.schema, handleBatch, batchTransactions: 20,
    retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
  });
  running.add(consumer);
  await consumer.start();
  return consumer;
}

async function stop(consumer: Consumer): Promise<void> {
  await consumer.stop();
  running.delete(consumer);
}

const appendedEvents = async (): Promise<number> =>
  (await side.pool.query(`SELECT count(*)::int AS n FROM "${side.schema}_store".events`)).rows[0].n as number;

it('handles chunks in one transaction with one append, in order per key, and drops every redelivered message', async () => {
  const topic = unique('msg-it.chunks');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 3 }]);
  const keys = ['k-a', 'k-b', 'k-c', 'k-d', 'k-e'];
  const sent = keys.flatMap((key) => Array.from({ length: 40 }, (_, seq) => message(`${topic}/${key}/${seq}`, key, seq)));
  // interleave keys and add a relay-style resend right behind an event
  const interleaved = Array.from({ length: 40 }, (_, seq) => keys.map((_, k) => sent[k * 40 + seq])).flat();
  interleaved.splice(10, 0, interleaved[9]);
  // all sent before the consumer starts, so fetches carry many messages per partition
  await source.send(topic, interleaved);
  const calls: InboundMessage[][] = [];
  const groupId = unique('it-chunks');
  const first = await consume(topic, groupId, recordingHandler(calls));
  await until('every message handled', async () => (await committedTotal(groupId, topic)) === BigInt(interleaved.length));

  const effects = (await side.effects()).filter((e) => e.message_id.startsWith(topic));
  expect(effects).toHaveLength(200);
  expect(effects.every((e) => e.applied === 1)).toBe(true);
  for (const key of keys) {
    expect(effects.filter((e) => e.key === key).map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  }
  expect(calls.some((c) => c.length > 1)).toBe(true); // chunks shared a transaction and one append
  expect(calls.every((c) => new Set(c.map((m) => m.partition)).size === 1)).toBe(true);
  expect(await appendedEvents()).toBe(200); // the resend inside the chunk never reached the handler

  // redelivery of everything (the group's offsets back to the start): the inbox filters it all out
  await stop(first);
  await admin.resetOffsets({ groupId, topic, earliest: true });
  const before = calls.length;
  await consume(topic, groupId, recordingHandler(calls));
  await until('the redelivered range committed again', async () => (await committedTotal(groupId, topic)) === BigInt(interleaved.length));
  expect(calls.length).toBe(before);
  expect((await side.effects()).filter((e) => e.message_id.startsWith(topic)).every((e) => e.applied === 1)).toBe(true);
  expect(await appendedEvents()).toBe(200);
}, 90_000);

it('falls back to one message per transaction when a chunk holds a poison message: the rest applied once, the poison dead-lettered', async () => {
  const topic = unique('msg-it.poison');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  const batch = Array.from({ length: 10 }, (_, seq) => message(`${topic}/${seq}`, 'k-1', seq, seq === 4 ? 'Poison' : 'Fine'));
  await source.send(topic, batch);
  const calls: InboundMessage[][] = [];
  const groupId = unique('it-poison');
  const appendedBefore = await appendedEvents();
  await consume(topic, groupId, recordingHandler(calls, 'Poison'));
  await until('the chunk settled', async () => (await committedTotal(groupId, topic)) === 10n);

  const effects = (await side.effects()).filter((e) => e.message_id.startsWith(topic));
  expect(effects.map((e) => [e.seq, e.applied])).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9].map((seq) => [seq, 1]));
  expect(calls[0].length).toBeGreaterThan(1); // the chunk was tried whole first
  expect(calls.slice(1).every((c) => c.length === 1)).toBe(true); // then message by message
  // the rolled-back chunk appended nothing; each good message appended once on its own
  expect((await appendedEvents()) - appendedBefore).toBe(9);
  const deadLetters = new DeadLetters({ kafka: kafkaOptions() });
  try {
    expect((await deadLetters.list(topic)).map((l) => [l.headers[HEADER.eventId], l.error.classification])).toEqual([[`${topic}/4`, 'non-retryable']]);
  } finally {
    await deadLetters.close();
  }
}, 60_000);
