import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, startService, stopService, untilLive } from '../lib/service-process';
import { median, percentile } from '../lib/report';
import { intakeTarget, steady, submitAtRate, type SubmitTarget } from './e2e';
import type { E2eStack } from './stack';
import { SummaryWatcher } from './summary-watcher';
import { withClient } from '@orders/service-kit/testing';

/** One step of the search: an offered rate held for a few seconds, and whether the chain kept up. */
export interface Step {
  rate: number;
  p50: number;
  p99: number;
  answeredRate: number;
  errors: number;
  unseen: number;
  sustained: boolean;
}

export interface SearchOptions {
  /** The first rate tried, the factor between steps (geometric), and the bisections after the first failure. */
  from: number;
  factor: number;
  bisections: number;
  max: number;
  seconds: number;
  /** How long a step's last orders may take to show up before they count as unseen. */
  drainMs: number;
  /** Between steps: a failed step's backlog drains, the broker settles. */
  coolDownMs: number;
}

/**
 * Held = nothing lost or failed, answers kept up with the offer, p99 under a second, latency not growing. The
 * answer rate is taken from the first send to the last answer, so it falls short of the offer by about one answer
 * latency even when the chain keeps up (5% of a 2 s smoke step at 100 ms): 90%, not 95% as the fixed-rate e2e.
 */
const P99_LIMIT_MS = 1000;

async function step(
  target: SubmitTarget,
  watcher: SummaryWatcher,
  rate: number,
  options: SearchOptions,
  tag: string,
): Promise<Step> {
  const count = Math.max(1, Math.round(rate * options.seconds));
  const r = await submitAtRate(target, watcher, undefined, rate, count, `${tag}-${rate}`, options.drainMs);
  const p99 = r.ours.length > 0 ? percentile(r.ours, 99) : Infinity;
  const sustained =
    r.errors === 0 && r.unseen === 0 && r.answeredRate >= 0.9 * rate && p99 < P99_LIMIT_MS && steady(r.ours);
  return {
    rate,
    p50: r.ours.length > 0 ? median(r.ours) : Infinity,
    p99,
    answeredRate: r.answeredRate,
    errors: r.errors,
    unseen: r.unseen,
    sustained,
  };
}

/**
 * Steps the offered rate up geometrically from `from` until a step is not held (or down, at most three times, when
 * the first is not held), then bisects `bisections` times between the last held rate and the nearest failed one.
 * A failed step's backlog is drained (bounded) before the next step so it does not count against it. Returns every
 * step; the sustained rate is the highest held one (0 when none was).
 */
export async function searchSustained(
  name: string,
  target: SubmitTarget,
  watcher: SummaryWatcher,
  options: SearchOptions,
  from = options.from,
): Promise<Step[]> {
  const steps: Step[] = [];
  const tag = `${name}-${randomBytes(3).toString('hex')}`;
  const run = async (rate: number) => {
    await watcher.settled(options.drainMs * 3);
    await new Promise((resolve) => setTimeout(resolve, options.coolDownMs));
    const s = await step(target, watcher, Math.round(rate), options, tag);
    steps.push(s);
    console.log(
      `  ${name} ${s.rate}/s: p50 ${s.p50.toFixed(0)} p99 ${s.p99.toFixed(0)} ms, answered ${s.answeredRate.toFixed(0)}/s, ` +
        `${s.errors} errors, ${s.unseen} unseen, ${s.sustained ? 'held' : 'NOT held'}`,
    );
    return s.sustained;
  };
  let held = 0;
  let failed = 0;
  for (let rate = from; rate <= options.max; rate *= options.factor) {
    if (!(await run(rate))) {
      failed = rate;
      break;
    }
    held = rate;
  }
  for (let rate = from / options.factor, tries = 0; held === 0 && tries < 3; rate /= options.factor, tries++) {
    if (await run(rate)) held = rate;
    else failed = rate;
  }
  for (let i = 0; i < options.bisections && failed > 0 && held > 0 && failed - held > 2; i++) {
    const middle = (held + failed) / 2;
    if (await run(middle)) held = middle;
    else failed = middle;
  }
  return steps;
}

export const sustainedRate = (steps: Step[]): number =>
  Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.rate));

/** The raw chain as two processes, its tables in a schema of its own and its topic under the stack's prefix. */
export interface RawChain {
  target: SubmitTarget;
  watcher: SummaryWatcher;
  pids(): { http: number | undefined; consumer: number | undefined };
  close(): Promise<void>;
}

const onDb = (url: string, sql: string) => withClient(url, (db) => db.query(sql));

export async function startRawChain(databaseUrl: string, brokers: string, topicPrefix: string): Promise<RawChain> {
  const id = randomBytes(4).toString('hex');
  const schema = `bench_raw_chain_${id}`;
  const topic = `${topicPrefix}raw-chain`;
  await onDb(
    databaseUrl,
    `CREATE SCHEMA "${schema}";
    CREATE TABLE "${schema}".raw_orders (order_id text PRIMARY KEY, body jsonb NOT NULL);
    CREATE TABLE "${schema}".raw_summary (order_id text PRIMARY KEY)`,
  );
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const [httpPort, consumerPort] = [await freePort(), await freePort()];
  const common = {
    RAW_CHAIN_SCHEMA: schema,
    RAW_CHAIN_TOPIC: topic,
    RAW_CHAIN_DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
  };
  const http = startService('bench/projections/raw-chain.ts', {
    ...common,
    RAW_CHAIN_ROLE: 'http',
    PORT: String(httpPort),
  });
  const consumer = startService('bench/projections/raw-chain.ts', {
    ...common,
    RAW_CHAIN_ROLE: 'consumer',
    PORT: String(consumerPort),
  });
  const watcher = new SummaryWatcher(databaseUrl, `"${schema}".raw_summary`, `raw_${id}`);
  const close = async () => {
    await Promise.all([stopService(http), stopService(consumer)]);
    await watcher.stop().catch(() => undefined);
    await onDb(databaseUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  };
  try {
    await Promise.all([untilLive(httpPort), untilLive(consumerPort)]);
    await watcher.start();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    target: { url: `http://127.0.0.1:${httpPort}`, path: '/orders', headers: {}, idOf: (externalId) => externalId },
    watcher,
    close,
    pids: () => ({ http: http.pid, consumer: consumer.pid }),
  };
}

export interface SustainedResult {
  ours: Step[];
  raw: Step[];
  /** Ours and the raw chain at half of our sustained rate (undefined when ours held no rate). */
  half?: { rate: number; ours: Step; raw: Step };
}

/** The whole measurement: both searches (ours first), then both chains at half of our sustained rate. */
export async function sustainedMetrics(
  stack: E2eStack,
  raw: RawChain,
  readModelsUrl: string,
  options: SearchOptions,
): Promise<SustainedResult> {
  const watcher = new SummaryWatcher(readModelsUrl, stack.summaryTable, `ours_${randomBytes(3).toString('hex')}`);
  await watcher.start();
  try {
    const target = intakeTarget(stack);
    // Warm-up of both chains: code paths compiled, pools filled, consumer groups settled.
    await step(target, watcher, options.from, { ...options, seconds: 2 }, 'warm');
    await step(raw.target, raw.watcher, options.from, { ...options, seconds: 2 }, 'warm');
    console.log('e2e_sustained: ours (HTTP submit -> event store -> relay -> Kafka -> projector -> summary)');
    const ours = await searchSustained('ours', target, watcher, options);
    console.log('e2e_sustained: raw chain (bare HTTP -> INSERT + produce -> raw consumer -> INSERT)');
    // The raw chain is the ceiling: its search starts where ours held, not from the bottom again.
    const rawSteps = await searchSustained(
      'raw',
      raw.target,
      raw.watcher,
      options,
      Math.max(options.from, sustainedRate(ours)),
    );
    const best = sustainedRate(ours);
    if (best === 0) return { ours, raw: rawSteps };
    const rate = Math.max(1, Math.round(best / 2));
    await watcher.settled(options.drainMs * 3);
    await raw.watcher.settled(options.drainMs * 3);
    const half = {
      rate,
      ours: await step(target, watcher, rate, options, 'half'),
      raw: await step(raw.target, raw.watcher, rate, options, 'half'),
    };
    return { ours, raw: rawSteps, half };
  } finally {
    await watcher.stop();
  }
}
