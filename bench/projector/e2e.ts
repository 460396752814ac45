import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { encodeMessage, findMessage, TOPIC } from '@orders/contracts';
import { provisionTopics } from '@orders/messaging';
import { syntheticHistory } from '@orders/projector/src/projections/history';
import { createServiceApp } from '@orders/service-kit';
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { Pool } from 'pg';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const TICK_MS = 10;

export interface Latencies { ours: number[]; raw: number[] }

function encoded(count: number, prefix: string): Array<{ id: string; message: Message; topic: string }> {
  return syntheticHistory(Math.ceil(count / 3), { prefix }).slice(0, count).map((event) => {
    const definition = findMessage(event.topic, event.type, 1);
    if (!definition) throw new Error(`no contract for ${event.type}`);
    const out = encodeMessage(definition, event.payload, { eventId: event.eventId, occurredAt: event.occurredAt, correlationId: event.correlationId });
    return { id: event.eventId, topic: out.topic, message: { key: out.key, value: out.value, headers: { ...out.headers } } };
  });
}

/** Sends `messages` at a steady `rate` per second (a batch every 10 ms), recording each one's send time. */
async function paced(messages: ReturnType<typeof encoded>, rate: number, topicOf: (t: string) => string, send: (topic: string, batch: Message[]) => Promise<void>): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0, tick = 0; i < messages.length; i += perTick, tick += 1) {
    const wait = start + tick * TICK_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const batch = messages.slice(i, i + perTick);
    const byTopic = new Map<string, Message[]>();
    for (const m of batch) {
      sentAt.set(m.id, performance.now());
      byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
    }
    for (const [topic, list] of byTopic) inFlight.push(send(topicOf(topic), list));
  }
  await Promise.all(inFlight);
  return sentAt;
}

/**
 * Produce → visible in the order summary (the journal row commits with the summary row), at a steady rate, against
 * raw kafkajs produce → consume at the same rate. The services' HTTP front is not in the loop: intake's relay does
 * not publish to Kafka yet, so this measures the projector's part of the path.
 */
export async function e2eLatencies(pool: Pool, databaseUrl: string, count: number, rate: number): Promise<Latencies> {
  const id = randomBytes(4).toString('hex');
  const prefix = `bench${id}.`;
  const schema = `bench_e2e_${id}`;
  const sources = [TOPIC.orderEvents, TOPIC.deliveryEvents, TOPIC.cancellationEvents];
  await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [...sources.map((t) => ({ topic: `${prefix}${t}`, partitions: 6 })), { topic: `${prefix}raw`, partitions: 6 }]);
  Object.assign(process.env, {
    READMODELS_DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', KAFKA_BROKERS: BROKERS, PORT: '0',
    PROJECTOR_SCHEMA: schema, PROJECTOR_OUTBOX_SCHEMA: `${schema}_outbox`, PROJECTOR_INBOX_SCHEMA: `${schema}_inbox`,
    PROJECTOR_TOPIC_PREFIX: prefix,
  });
  const { AppModule } = await import('@orders/projector/src/app.module');
  const app = await createServiceApp(AppModule);
  await app.init();
  const kafka = new Kafka({ brokers: [BROKERS], clientId: `bench-${id}`, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const send = async (topic: string, messages: Message[]) => { await producer.send({ topic, acks: -1, messages }); };
  try {
    // Warm-up: the consumer group joins and the pools fill before timing starts.
    const warm = encoded(30, `warm${id}`);
    await paced(warm, rate, (t) => `${prefix}${t}`, send);
    await visible(pool, schema, new Set(warm.map((m) => m.id)), new Map());

    const messages = encoded(count, `e2e${id}`);
    const seen = new Map<string, number>();
    const watching = visible(pool, schema, new Set(messages.map((m) => m.id)), seen);
    const sentAt = await paced(messages, rate, (t) => `${prefix}${t}`, send);
    await watching;
    const ours = messages.map((m) => (seen.get(m.id) as number) - (sentAt.get(m.id) as number));

    const rawSeen = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: `bench-raw-${id}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}raw`, fromBeginning: true });
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => { done = resolve; });
    await consumer.run({ eachMessage: async ({ message }) => {
      rawSeen.set(String(message.headers?.['event-id']), performance.now());
      if (rawSeen.size >= messages.length) done();
    } });
    const rawSent = await paced(messages, rate, () => `${prefix}raw`, send);
    await all;
    await consumer.disconnect();
    const raw = messages.map((m) => (rawSeen.get(m.id) as number) - (rawSent.get(m.id) as number));
    return { ours, raw };
  } finally {
    await producer.disconnect();
    await app.close();
    for (const s of [schema, `${schema}_outbox`, `${schema}_inbox`]) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  }
}

/** Polls the journal (a reader's view) and notes when each awaited event first became visible. */
async function visible(pool: Pool, schema: string, awaited: Set<string>, seen: Map<string, number>): Promise<void> {
  let after = 0;
  while (seen.size < awaited.size) {
    // Re-read a window behind the highest position seen: concurrent transactions commit out of position order.
    const { rows } = await pool.query<{ position: string; event_id: string }>(
      `SELECT position::text AS position, event_id FROM "${schema}".events WHERE position > $1::bigint ORDER BY position`, [Math.max(0, after - 200)]);
    const now = performance.now();
    let fresh = 0;
    for (const row of rows) {
      if (awaited.has(row.event_id) && !seen.has(row.event_id)) {
        seen.set(row.event_id, now);
        fresh += 1;
      }
      after = Math.max(after, Number(row.position));
    }
    if (fresh === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
