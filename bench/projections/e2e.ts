import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { encodeMessage, externalOrderId, findMessage, TOPIC } from '@orders/contracts';
import { syntheticHistory } from '@orders/projector/src/projections/history';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { benchOrder, client } from '../intake/load';
import { median } from '../lib/report';
import type { E2eStack } from './stack';
import { SummaryWatcher } from './summary-watcher';

/** One steady rate: every command's latency, ours (HTTP submit -> summary row) and raw (kafkajs produce -> consume). */
export interface RatePoint {
  rate: number;
  commands: number;
  /** Commands sent per second, as scheduled (the open-loop generator keeping its schedule). */
  sentRate: number;
  /** HTTP answers per second over the time the answers took to come back. */
  answeredRate: number;
  errors: number;
  /** Send -> visible in the order summary, ms. */
  ours: number[];
  /** Send -> HTTP answer, ms (where the time goes). */
  answered: number[];
  /** Send -> the event read from intake's topic by a probe consumer, ms (where the time goes). */
  inKafka: number[];
  /** Raw kafkajs produce -> consume at the same rate, ms. */
  raw: number[];
  unseen: number;
  /** The machine's 1-minute load average when the rate's run ended (other work on a shared machine shows here). */
  loadAverage: number;
  /** Share of one core each service used from the first send until the last order was visible. */
  cpu: { intake: number; projector: number };
  /** CPU milliseconds each service spent per command (independent of how busy the machine was). */
  cpuPerCommandMs: { intake: number; projector: number };
  /** No errors, everything seen, answers kept up, latency not growing over the run. */
  sustained: boolean;
}

const SOURCE = 'site';
const DRAIN_MS = 180_000;
/** Between two rates: intake's board projection and the broker settle after a backlog. */
const COOL_DOWN_MS = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const order = (externalId: string) => benchOrder(externalId, SOURCE);

/**
 * Open loop: command i is due at start + i / rate, whatever happened to the earlier ones (never waits for an
 * answer). Each timer wake-up sends everything due by then; returns when the last one was sent.
 */
export async function openLoop(rate: number, count: number, send: (indices: number[]) => void): Promise<number> {
  const start = performance.now();
  for (let next = 0; next < count;) {
    const now = performance.now();
    const due: number[] = [];
    while (next < count && start + (next * 1000) / rate <= now) due.push(next++);
    if (due.length > 0) send(due);
    if (next < count) await sleep(Math.max(0, start + (next * 1000) / rate - performance.now()));
  }
  return performance.now() - start;
}

/**
 * A plain consumer of intake's order-events topic noting when each order's first event arrives: splits the path
 * into intake + relay (send -> in Kafka) and projector (in Kafka -> visible). One more reader of the topic; it
 * costs the broker little.
 */
export class KafkaProbe {
  readonly arrived = new Map<string, number>();
  private readonly consumer;

  constructor(
    brokers: string,
    private readonly topic: string,
    tag: string,
  ) {
    this.consumer = new Kafka({
      brokers: brokers.split(','),
      clientId: `bench-probe-${tag}`,
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId: `bench-probe-${tag}`, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const key = String(message.key);
        if (!this.arrived.has(key)) this.arrived.set(key, performance.now());
      },
    });
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Where orders are submitted, and the id under which each shows up in the watched read model. */
export interface SubmitTarget {
  url: string;
  path: string;
  headers: Record<string, string>;
  idOf(externalId: string): string;
}

export const intakeTarget = (stack: E2eStack): SubmitTarget => ({
  url: stack.intakeUrl,
  path: `/api/v1/companies/${stack.company}/external-orders`,
  headers: { 'Api-Key': stack.apiKey },
  idOf: (externalId) => externalOrderId(stack.company, SOURCE, externalId),
});

/**
 * Submits `count` orders over HTTP at `rate`/s and waits until each is in the read model (or `drainMs` passes).
 * The probe, when given, notes when each order's event reached Kafka.
 */
export async function submitAtRate(
  target: SubmitTarget,
  watcher: SummaryWatcher,
  probe: KafkaProbe | undefined,
  rate: number,
  count: number,
  tag: string,
  drainMs = DRAIN_MS,
) {
  const http = client(target.url, target.headers, 256);
  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  let errors = 0;
  let lastAnswer = 0;
  const answers: Promise<void>[] = [];
  const elapsed = await openLoop(rate, count, (indices) => {
    for (const i of indices) {
      const externalId = `${tag}-${i}`;
      const orderId = target.idOf(externalId);
      watcher.expect(orderId);
      sentAt.set(orderId, performance.now());
      answers.push(
        http
          .send('POST', target.path, order(externalId))
          .then((res) => {
            lastAnswer = performance.now();
            answeredAt.set(orderId, lastAnswer);
            if (res.status !== 201) throw new Error(`${res.status} ${res.body.slice(0, 200)}`);
          })
          .catch((error: unknown) => {
            errors += 1;
            watcher.forget(orderId);
            if (errors <= 3) console.error(`submit failed: ${String(error)}`);
          }),
      );
    }
  });
  const firstSent = Math.min(...sentAt.values());
  await Promise.all(answers);
  const unseen = await watcher.settled(drainMs);
  http.close();
  const ids = [...sentAt.keys()];
  return {
    sentRate: count / (elapsed / 1000),
    answeredRate: answeredAt.size / ((lastAnswer - firstSent) / 1000),
    errors,
    unseen,
    ours: ids
      .filter((id) => watcher.seen.has(id))
      .map((id) => (watcher.seen.get(id) as number) - (sentAt.get(id) as number)),
    answered: ids
      .filter((id) => answeredAt.has(id))
      .map((id) => (answeredAt.get(id) as number) - (sentAt.get(id) as number)),
    inKafka: ids
      .filter((id) => probe?.arrived.has(id))
      .map((id) => (probe?.arrived.get(id) as number) - (sentAt.get(id) as number)),
  };
}

/** Raw kafkajs at the same rate: a producer as the relay configures one (idempotent, acks=all) and a plain consumer. */
async function rawAtRate(brokers: string, topic: string, rate: number, count: number, tag: string): Promise<number[]> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: `bench-raw-${tag}`, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `bench-raw-${tag}`, maxWaitTimeInMs: 100 });
  const sentAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  let all: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    all = resolve;
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = String(message.key);
      if (sentAt.has(id) && !seenAt.has(id)) seenAt.set(id, performance.now());
      if (seenAt.size >= count) all();
    },
  });
  await joined;
  const value = JSON.stringify(order('raw')); // about the size of an intake event
  const sends: Promise<unknown>[] = [];
  try {
    await openLoop(rate, count, (indices) => {
      const messages: Message[] = indices.map((i) => ({ key: `${tag}-${i}`, value }));
      for (const m of messages) sentAt.set(String(m.key), performance.now());
      sends.push(producer.send({ topic, acks: -1, messages }));
    });
    await Promise.all(sends);
    await Promise.race([done, sleep(DRAIN_MS)]);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return [...sentAt].filter(([id]) => seenAt.has(id)).map(([id, at]) => (seenAt.get(id) as number) - at);
}

/**
 * The projector's part alone: intake-shaped ExternalOrderReceived events produced straight to intake's topic at
 * `rate` (as intake's relay would, were it fast enough), each until its order is in the summary.
 */
async function directAtRate(
  brokers: string,
  topic: string,
  watcher: SummaryWatcher,
  rate: number,
  count: number,
  tag: string,
): Promise<number[]> {
  const definition = findMessage(TOPIC.orderEvents, 'ExternalOrderReceived', 1);
  if (!definition) throw new Error('no ExternalOrderReceived v1 in the catalogue');
  const events = syntheticHistory(count, { prefix: `direct-${tag}` }).filter((e) => e.type === 'ExternalOrderReceived');
  const messages = events.map((event) => {
    const out = encodeMessage(definition, event.payload as never, {
      eventId: event.eventId,
      occurredAt: event.occurredAt,
      correlationId: event.correlationId,
    });
    return {
      orderId: event.orderId,
      message: { key: out.key, value: out.value, headers: { ...out.headers } } as Message,
    };
  });
  const producer = new Kafka({
    brokers: brokers.split(','),
    clientId: `bench-direct-${tag}`,
    logLevel: logLevel.NOTHING,
  }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sentAt = new Map<string, number>();
  const sends: Promise<unknown>[] = [];
  try {
    await openLoop(rate, messages.length, (indices) => {
      for (const i of indices) {
        watcher.expect(messages[i].orderId);
        sentAt.set(messages[i].orderId, performance.now());
      }
      sends.push(producer.send({ topic, acks: -1, messages: indices.map((i) => messages[i].message) }));
    });
    await Promise.all(sends);
    await watcher.settled(DRAIN_MS);
  } finally {
    await producer.disconnect();
  }
  return [...sentAt].filter(([id]) => watcher.seen.has(id)).map(([id, at]) => (watcher.seen.get(id) as number) - at);
}

/** Backlog check: the last quarter's median may not run away from the first quarter's. */
export function steady(latencies: number[]): boolean {
  const quarter = Math.max(1, Math.floor(latencies.length / 4));
  return median(latencies.slice(-quarter)) <= 1.5 * median(latencies.slice(0, quarter)) + 50;
}

/**
 * HTTP submit in intake -> the order visible in the projector's summary, at each steady rate, against raw kafkajs
 * produce -> consume at the same rate measured right after it in the same run. Stops at the first rate sustained
 * once the first (the goal's) is not: the highest steady rate below it, on this machine.
 */
export interface E2eResult {
  points: RatePoint[];
  /** Produce straight to intake's topic -> visible, at the first rate (its raw baseline is that point's). */
  direct: number[];
}

export async function e2eLatencies(
  stack: E2eStack,
  readModelsUrl: string,
  brokers: string,
  rates: number[],
  seconds: number,
): Promise<E2eResult> {
  const run = randomBytes(3).toString('hex');
  const watcher = new SummaryWatcher(readModelsUrl, stack.summaryTable, run);
  // a topic per rate (6 partitions, as intake's), read from its beginning: no message can slip past a fresh group
  const rawTopic = (rate: number | 'warm') => `${stack.topicPrefix}raw-${rate}`;
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [...new Set<number | 'warm'>(['warm', ...rates])].map((rate) => ({
      topic: rawTopic(rate),
      numPartitions: 6,
    })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  await watcher.start();
  const intakeTopic = `${stack.topicPrefix}${TOPIC.orderEvents}`;
  const probe = new KafkaProbe(brokers, intakeTopic, run);
  await probe.start();
  const points: RatePoint[] = [];
  let direct: number[] = [];
  try {
    // Warm-up: the relay and the consumer group are up, pools filled, code paths compiled.
    const warm = await submitAtRate(intakeTarget(stack), watcher, probe, 50, 150, `warm-${run}`);
    if (warm.unseen > 0 || warm.errors > 0)
      throw new Error(`warm-up: ${warm.errors} errors, ${warm.unseen} never visible`);
    await rawAtRate(brokers, rawTopic('warm'), 50, 150, `warm-${run}`);
    for (const rate of rates) {
      const count = Math.round(rate * seconds);
      await sleep(COOL_DOWN_MS);
      const [cpuBefore, started] = [stack.cpuSeconds(), performance.now()];
      const ours = await submitAtRate(intakeTarget(stack), watcher, probe, rate, count, `r${rate}-${run}`);
      const [cpuAfter, wall] = [stack.cpuSeconds(), (performance.now() - started) / 1000];
      const used = { intake: cpuAfter.intake - cpuBefore.intake, projector: cpuAfter.projector - cpuBefore.projector };
      const cpu = { intake: used.intake / wall, projector: used.projector / wall };
      const cpuPerCommandMs = { intake: (used.intake * 1000) / count, projector: (used.projector * 1000) / count };
      const raw = await rawAtRate(brokers, rawTopic(rate), rate, count, `r${rate}-${run}`);
      const sustained = ours.errors === 0 && ours.unseen === 0 && ours.answeredRate >= 0.95 * rate && steady(ours.ours);
      points.push({
        rate,
        commands: count,
        ...ours,
        raw,
        cpu,
        cpuPerCommandMs,
        loadAverage: loadavg()[0] ?? 0,
        sustained,
      });
      console.log(
        `rate ${rate}/s: sent ${ours.sentRate.toFixed(0)}/s, answered ${ours.answeredRate.toFixed(0)}/s, errors ${ours.errors}, unseen ${ours.unseen}, ` +
          `in Kafka p50 ${median(ours.inKafka).toFixed(0)} ms, visible p50 ${median(ours.ours).toFixed(0)} ms, raw p50 ${median(raw).toFixed(1)} ms, ` +
          `load ${(loadavg()[0] ?? 0).toFixed(1)}, cpu intake ${(cpu.intake * 100).toFixed(0)}% projector ${(cpu.projector * 100).toFixed(0)}% of a core ` +
          `(${cpuPerCommandMs.intake.toFixed(2)} / ${cpuPerCommandMs.projector.toFixed(2)} ms per command), ${sustained ? 'sustained' : 'NOT sustained'}`,
      );
      if (sustained) break;
    }
    direct = await directAtRate(brokers, intakeTopic, watcher, rates[0], Math.round(rates[0] * seconds), run);
    console.log(`direct to the projector at ${rates[0]}/s: visible p50 ${median(direct).toFixed(0)} ms`);
  } finally {
    await probe.stop();
    await watcher.stop();
  }
  return { points, direct };
}
