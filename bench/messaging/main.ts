// `npm run bench -- messaging [--rounds N] [--only relay]`: the relay and the consumer runner against raw kafkajs
// doing the same Kafka work, in the same run, against the same broker and database. `--only relay` measures the relay
// alone and prints its row without writing bench/results (a partial file would hide the other figures).
import { performance } from 'node:perf_hooks';
import { createTestEventStore, type TestEventStore } from '@orders/event-store/testing';
import { createConsumer, createRelay, provisionTopics, relayHeaders, type InboundMessage } from '@orders/messaging';
import type { Checkpoint, RecordedEvent, SubscriptionOptions } from '@orders/event-store';
import type { Producer } from 'kafkajs';
import { register } from 'prom-client';
import { machine, median, metric, percentile, report, table, type Metric } from '../lib/report';
import { kafkaOptions, name, orderPayload, rawKafka, rawProducer, sendSequentially, timed, until } from './fixtures';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const relayOnly = process.argv[process.argv.indexOf('--only') + 1] === 'relay';
const RELAY_EVENTS = Number(process.env.BENCH_RELAY_EVENTS) || 20_000;
const RELAY_BATCH = Number(process.env.BENCH_RELAY_BATCH) || 500;
/** Extra subscription options for the relay, as JSON, to compare its settings (e.g. '{"prefetch":false}'). */
const RELAY_SUBSCRIPTION: SubscriptionOptions = JSON.parse(process.env.BENCH_RELAY_SUBSCRIPTION ?? '{}');
const CONSUME_MESSAGES = 10_000;
const BATCHED = 100;
const ROUNDTRIPS = 300;
const ROUNDTRIP_GAP_MS = 5;
const horizonHolds: number[] = [];

let fixture: TestEventStore;

/** The relay's mapper: the integration event is the payload, keyed by order id. */
const mapTo = (topic: string) => (event: RecordedEvent) => ({ topic, key: event.streamId, value: event.data });

async function seedLog(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1000) {
    await Promise.all(
      Array.from({ length: 10 }, (_, s) =>
        fixture.store.append(
          `order-${(i / 1000) * 10 + s}`,
          'any',
          Array.from({ length: 100 }, (_, j) => ({ type: 'OrderAccepted', data: orderPayload(i + s * 100 + j) })),
        ),
      ),
    );
  }
}

/** events/s from the events table to acknowledged Kafka writes: the relay vs a raw producer sending the same messages. */
async function relayRound(events: RecordedEvent[], rawFirst: boolean): Promise<{ ours: number; raw: number }> {
  const oursTopic = name('bench.relay');
  const rawTopic = name('bench.relay-raw');
  await provisionTopics(kafkaOptions, [
    { topic: oursTopic, partitions: 3 },
    { topic: rawTopic, partitions: 3 },
  ]);

  const ours = async () => {
    const relay = createRelay({
      store: fixture.store,
      kafka: kafkaOptions,
      name: name('bench-relay'),
      map: mapTo(oursTopic),
      subscription: { batchSize: RELAY_BATCH, pollIntervalMs: 50, ...RELAY_SUBSCRIPTION },
    });
    // counted after each broker acknowledgement (in memory: polling the database would load the machine measured)
    const ms = await timed(async () => {
      await relay.start();
      await until(async () => (await publishedBy(relay.name)) >= events.length, 300_000, 2);
    });
    await relay.stop();
    return ms;
  };
  const raw = async () => {
    let producer: Producer | undefined;
    const ms = await timed(async () => {
      producer = await rawProducer(); // the relay connects its producer inside its measured time too
      // serialising the payloads and headers is part of producing them, for the baseline as for the relay
      const messages = events.map((e) => {
        const outbound = { topic: rawTopic, key: e.streamId, value: e.data };
        return { key: outbound.key, value: JSON.stringify(outbound.value), headers: relayHeaders(e, outbound) };
      });
      await sendSequentially(producer, rawTopic, messages, RELAY_BATCH);
    });
    await producer?.disconnect();
    return ms;
  };
  // alternate which side goes first: the machine is shared and its load drifts
  let oursMs: number;
  let rawMs: number;
  if (rawFirst) {
    rawMs = await raw();
    oursMs = await ours();
  } else {
    oursMs = await ours();
    rawMs = await raw();
  }
  return { ours: events.length / (oursMs / 1000), raw: events.length / (rawMs / 1000) };
}

async function publishedBy(relay: string): Promise<number> {
  const counter = register.getSingleMetric('messaging_relay_published_total');
  const values = counter ? (await counter.get()).values : [];
  return values.filter((v) => v.labels.relay === relay).reduce((sum, v) => sum + v.value, 0);
}

/** A topic filled with `count` messages carrying the standard headers. */
async function filledTopic(count: number): Promise<string> {
  const topic = name('bench.consume');
  await provisionTopics(kafkaOptions, [{ topic, partitions: 3 }]);
  const producer = await rawProducer();
  const messages = Array.from({ length: count }, (_, i) => ({
    key: `order-${i % 200}`,
    value: JSON.stringify(orderPayload(i)),
    headers: { 'event-id': `evt-${i}-${topic}`, 'event-type': 'OrderAccepted', 'schema-version': '1' },
  }));
  await sendSequentially(producer, topic, messages, 1000);
  await producer.disconnect();
  return topic;
}

/** msgs/s through the runner (default: shared inbox transactions, empty handler) vs raw eachBatch on the same topic. */
async function consumeRound(): Promise<{ ours: number; batched: number; raw: number }> {
  const topic = await filledTopic(CONSUME_MESSAGES);
  const runner = async (batchTransactions?: number) => {
    let handled = 0;
    const consumer = createConsumer({
      kafka: kafkaOptions,
      groupId: name('bench-runner'),
      topics: [topic],
      pool: fixture.store.pool,
      inboxSchema: fixture.schema,
      provisionDeadLetterTopics: false,
      batchTransactions,
      handle: async () => undefined,
      onHandled: () => {
        handled += 1;
      },
    });
    const start = performance.now();
    await consumer.start();
    await until(() => handled >= CONSUME_MESSAGES);
    const ms = performance.now() - start;
    await consumer.stop();
    return CONSUME_MESSAGES / (ms / 1000);
  };
  const ours = await runner(); // the consumer's defaults
  const batched = await runner(BATCHED);

  let seen = 0;
  const raw = rawKafka.consumer({ groupId: name('bench-raw'), maxWaitTimeInMs: 500 });
  const rawStart = performance.now();
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  await raw.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        JSON.parse(message.value?.toString() ?? 'null');
        seen += 1;
        resolveOffset(message.offset);
      }
      await heartbeat();
    },
  });
  await until(() => seen >= CONSUME_MESSAGES);
  const rawMs = performance.now() - rawStart;
  await raw.disconnect();
  return { ours, batched, raw: CONSUME_MESSAGES / (rawMs / 1000) };
}

/** Append-to-handled latency through relay + runner vs raw produce-to-consume, one message every few ms. */
async function roundtripRound(): Promise<{ ours: number[]; raw: number[] }> {
  const topic = name('bench.roundtrip');
  const rawTopic = name('bench.roundtrip-raw');
  await provisionTopics(kafkaOptions, [
    { topic, partitions: 3 },
    { topic: rawTopic, partitions: 3 },
  ]);
  const sentAt = new Map<string, number>();
  const ours: number[] = [];
  const relay = createRelay({
    store: fixture.store,
    kafka: kafkaOptions,
    name: name('bench-rt'),
    map: mapTo(topic),
    subscription: { startFrom: 'now' },
  });
  const consumer = createConsumer({
    kafka: kafkaOptions,
    groupId: name('bench-rt'),
    topics: [topic],
    pool: fixture.store.pool,
    inboxSchema: fixture.schema,
    provisionDeadLetterTopics: false,
    handle: async () => undefined,
    onHandled: (message: InboundMessage) => {
      ours.push(performance.now() - (sentAt.get(String((message.payload as { sequence: number }).sequence)) ?? NaN));
    },
  });
  await relay.start();
  await consumer.start();
  for (let i = 0; i < ROUNDTRIPS; i++) {
    if (i % 50 === 0) horizonHolds.push(await oldestTransactionMs());
    sentAt.set(String(i), performance.now());
    await fixture.store.append(`rt-order-${i % 50}`, 'any', [{ type: 'OrderAccepted', data: orderPayload(i) }]);
    await new Promise((resolve) => setTimeout(resolve, ROUNDTRIP_GAP_MS));
  }
  await until(() => ours.length >= ROUNDTRIPS);
  await consumer.stop();
  await relay.stop();

  const raw: number[] = [];
  const producer = await rawProducer();
  const rawConsumer = rawKafka.consumer({ groupId: name('bench-rt-raw'), maxWaitTimeInMs: 500 });
  await rawConsumer.connect();
  await rawConsumer.subscribe({ topic: rawTopic, fromBeginning: true });
  let joined = false;
  rawConsumer.on(rawConsumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await rawConsumer.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message }) => {
      raw.push(performance.now() - Number(message.headers?.['sent-at']?.toString()));
    },
  });
  await until(() => joined);
  for (let i = 0; i < ROUNDTRIPS; i++) {
    await producer.send({
      topic: rawTopic,
      acks: -1,
      messages: [
        {
          key: `rt-order-${i % 50}`,
          value: JSON.stringify(orderPayload(i)),
          headers: { 'sent-at': String(performance.now()) },
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, ROUNDTRIP_GAP_MS));
  }
  await until(() => raw.length >= ROUNDTRIPS);
  await rawConsumer.disconnect();
  await producer.disconnect();
  return { ours, raw };
}

/**
 * The relay reads below the cluster-wide transaction horizon, so any long transaction on the server (any database,
 * anyone's) holds every tailing reader back. Sampled during the round-trip rounds and reported next to the figure.
 */
async function oldestTransactionMs(): Promise<number> {
  const { rows } = await fixture.store.pool.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM max(now() - xact_start)) * 1000)::float8 AS ms FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
  );
  return rows[0].ms ?? 0;
}

async function main(): Promise<void> {
  fixture = await createTestEventStore({ prefix: 'bench_msg', poolSize: 12 });
  try {
    await seedLog(RELAY_EVENTS);
    // readAll shows events once no older transaction on the server is open: wait until the whole seed is visible
    const events: RecordedEvent[] = [];
    let after: Checkpoint | undefined;
    await until(
      async () => {
        const page = await fixture.store.readAll({ after, limit: 5000 });
        events.push(...page.events);
        after = page.checkpoint;
        return events.length >= RELAY_EVENTS;
      },
      300_000,
      50,
    );
    const relay = { ours: [] as number[], raw: [] as number[] };
    const consume = { ours: [] as number[], batched: [] as number[], raw: [] as number[] };
    const p99 = { ours: [] as number[], raw: [] as number[] };
    for (let round = 0; round <= rounds; round++) {
      const r = await relayRound(events, round % 2 === 0);
      if (relayOnly) {
        if (round > 0) {
          relay.ours.push(r.ours);
          relay.raw.push(r.raw);
        }
        console.log(
          `round ${round}: relay ${r.ours.toFixed(0)}/${r.raw.toFixed(0)} ev/s (${(r.ours / r.raw).toFixed(2)})`,
        );
        continue;
      }
      const c = await consumeRound();
      const t = await roundtripRound();
      if (round === 0) continue; // warm-up: JIT, connections, first group joins
      relay.ours.push(r.ours);
      relay.raw.push(r.raw);
      consume.ours.push(c.ours);
      consume.batched.push(c.batched);
      consume.raw.push(c.raw);
      p99.ours.push(percentile(t.ours, 99));
      p99.raw.push(percentile(t.raw, 99));
      console.log(
        `round ${round}: relay ${r.ours.toFixed(0)}/${r.raw.toFixed(0)} ev/s, consume ${c.ours.toFixed(0)} (batched ${c.batched.toFixed(0)})/${c.raw.toFixed(0)} msg/s, ` +
          `p99 ${percentile(t.ours, 99).toFixed(1)}/${percentile(t.raw, 99).toFixed(1)} ms ` +
          `(p50 ${percentile(t.ours, 50).toFixed(1)}/${percentile(t.raw, 50).toFixed(1)} ms)`,
      );
    }
    const relayMetric = metric(
      'relay',
      'events/s',
      median(relay.ours),
      median(relay.raw),
      'raw kafkajs sendBatch, same messages and settings',
      {
        goal: '>= 0.8',
        notes: `${RELAY_EVENTS} events, batches of ${RELAY_BATCH}, idempotent, acks=all, 3 partitions`,
      },
    );
    if (relayOnly) {
      console.log(table([relayMetric]));
      return;
    }
    const metrics: Metric[] = [
      relayMetric,
      metric(
        'consume_inbox',
        'msgs/s',
        median(consume.ours),
        median(consume.raw),
        'raw kafkajs eachBatch, no database',
        {
          notes: `${CONSUME_MESSAGES} messages, default settings (shared inbox transactions), 3 partitions concurrently`,
        },
      ),
      metric(
        'consume_inbox_batched',
        'msgs/s',
        median(consume.batched),
        median(consume.raw),
        'raw kafkajs eachBatch, no database',
        { notes: `batchTransactions: ${BATCHED}, same topic` },
      ),
      metric('roundtrip_p99', 'ms', median(p99.ours), median(p99.raw), 'raw produce-to-consume p99', {
        notes:
          `${ROUNDTRIPS} messages ${ROUNDTRIP_GAP_MS} ms apart; append -> relay -> Kafka -> runner -> committed; ` +
          `oldest open transaction on the server during the rounds: ${Math.max(0, ...horizonHolds).toFixed(0)} ms (it holds the relay back)`,
      }),
    ];
    const { rows } = await fixture.store.pool.query('SHOW server_version');
    const admin = rawKafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    report(
      'messaging',
      machine(`PostgreSQL ${rows[0].server_version}`, `${cluster.brokers.length} broker(s) at ${kafkaOptions.brokers}`),
      metrics,
    );
  } finally {
    await fixture.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
