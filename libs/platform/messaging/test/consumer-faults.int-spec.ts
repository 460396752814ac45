// Faults on the consumer side: poison messages go to the DLQ without blocking their partition and can be redriven
// once fixed; a consumer killed between its effect and its offset commit causes no second effect.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createConsumer, DeadLetters, HEADER, NonRetryableError, provisionTopics, type Consumer, type InboundMessage } from '../src';
import { applyEffectSql, consumerDatabaseUrl, consumerSide, kafkaOptions, unique, until, upstream, type ConsumerSide } from './support';

let side: ConsumerSide;
let source: Awaited<ReturnType<typeof upstream>>;
const consumers: Consumer[] = [];
const deadLetters = new DeadLetters({ kafka: kafkaOptions() });

beforeAll(async () => {
  side = await consumerSide('faults');
  source = await upstream();
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await deadLetters.close();
  await source?.close();
  await side?.drop();
});

const event = (id: string, type: string, value: string, key = 'order-1') => ({ key, value, headers: { [HEADER.eventId]: id, [HEADER.eventType]: type } });

describe('dead letters', () => {
  it('dead-letters malformed and failing messages with reasons, keeps the partition flowing, and redrives once', async () => {
    const topic = unique('msg-it.faults');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    let fixed = false;
    const calls = new Map<string, number>();
    const handledOrder: string[] = [];
    const consumer = createConsumer({
      kafka: kafkaOptions(), groupId: unique('it-dlq'), topics: [topic], pool: side.pool, inboxSchema: side.schema,
      retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
      handle: async (message: InboundMessage, { tx }) => {
        calls.set(message.id, (calls.get(message.id) ?? 0) + 1);
        if (message.type === 'Explodes' && !fixed) throw new RangeError('boom: the handler cannot cope yet');
        if (message.type === 'Refused') throw new NonRetryableError('order is closed');
        await tx.query(applyEffectSql(side.schema), [message.id, message.key, 0]);
      },
      onHandled: (message, outcome) => { if (outcome === 'handled') handledOrder.push(message.id); },
    });
    consumers.push(consumer);
    await consumer.start();

    await source.send(topic, [
      event('a-1', 'Fine', '{}'),
      event('a-2', 'Fine', '{"broken": '),
      event('a-3', 'Explodes', '{}'),
      event('a-4', 'Refused', '{}'),
      event('a-5', 'Fine', '{}'),
    ]);
    await until('the last message handled', () => handledOrder.includes('a-5'));
    expect(handledOrder).toEqual(['a-1', 'a-5']);
    expect(calls.get('a-3')).toBe(3);
    expect(calls.get('a-4')).toBe(1);
    expect(calls.has('a-2')).toBe(false);

    await until('three dead letters', async () => (await deadLetters.list(topic)).length === 3);
    const [malformed, exploded, refused] = await deadLetters.list(topic);
    expect(malformed).toMatchObject({
      origin: { topic, partition: 0, offset: '1' },
      error: { class: 'DecodeError', classification: 'malformed', attempts: 0, message: expect.stringContaining('not JSON') },
    });
    expect(exploded).toMatchObject({
      dlqTopic: `${topic}.dlq`, key: 'order-1',
      origin: { topic, partition: 0, offset: '2' },
      error: { class: 'RangeError', message: 'boom: the handler cannot cope yet', classification: 'retries-exhausted', attempts: 3 },
    });
    expect(exploded.headers[HEADER.eventId]).toBe('a-3');
    expect(refused.error).toMatchObject({ class: 'NonRetryableError', classification: 'non-retryable', attempts: 1 });
    expect(await deadLetters.show(topic, exploded.partition, exploded.offset)).toEqual(exploded);

    fixed = true;
    const redriven = await deadLetters.redrive(topic, exploded.partition, exploded.offset);
    expect(redriven.to.topic).toBe(topic);
    await until('the redriven message handled', () => handledOrder.includes('a-3'));
    // a second redrive of the same letter is dropped by the inbox
    await deadLetters.redrive(`${topic}.dlq`, exploded.partition, exploded.offset);
    // five originals and two redrives: offset 7 committed means both redrives went through the consumer
    await until('the second redrive consumed', async () => (await committedOffset(consumer.groupId, topic)) >= 7n);
    const effects = await side.effects();
    expect(effects.find((e) => e.message_id === 'a-3')).toMatchObject({ applied: 1 });
    expect(calls.get('a-3')).toBe(4); // three failed attempts, one success, none for the duplicate
  }, 60_000);
});

describe('a consumer killed after its effect and before its offset commit', () => {
  it('has no second effect when the message is redelivered', async () => {
    const topic = unique('msg-it.crash');
    const group = unique('it-crash');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    await source.send(topic, Array.from({ length: 5 }, (_, i) => event(`c-${i + 1}`, 'Fine', JSON.stringify({ n: i + 1 }))));

    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'crash-child.ts')], {
      env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.json'),
        TOPIC: topic, GROUP: group, SCHEMA: side.schema, DATABASE_URL: consumerDatabaseUrl(), CRASH_AT: 'c-3' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until('the child committed the effect of c-3', () => output.includes('effect-committed c-3'), 60_000);
    child.kill('SIGKILL');
    await exited;
    expect(await committedOffset(group, topic)).toBeLessThan(3n); // c-3's offset never reached the broker

    const redelivered: string[] = [];
    const successor = createConsumer({
      kafka: kafkaOptions(), groupId: group, topics: [topic], pool: side.pool, inboxSchema: side.schema, sessionTimeoutMs: 3000,
      handle: async (message, { tx }) => {
        await tx.query(applyEffectSql(side.schema), [message.id, message.key, (message.payload as { n: number }).n]);
      },
      onHandled: (message, outcome) => { if (outcome === 'duplicate') redelivered.push(message.id); },
    });
    consumers.push(successor);
    await successor.start();
    // (the child's shared transaction may already have applied all five: wait for the successor's offsets instead)
    await until('the successor committed all five', async () => (await committedOffset(group, topic)) === 5n, 60_000);
    expect(redelivered).toContain('c-3');
    const effects = (await side.effects()).filter((e) => e.message_id.startsWith('c-'));
    expect(effects.map((e) => [e.message_id, e.applied])).toEqual([1, 2, 3, 4, 5].map((n) => [`c-${n}`, 1]));
  }, 90_000);
});

async function committedOffset(groupId: string, topic: string): Promise<bigint> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [kafkaOptions().brokers as string], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return BigInt(entry.partitions[0].offset);
  } finally {
    await admin.disconnect();
  }
}
