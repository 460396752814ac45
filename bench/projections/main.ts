// `npm run bench -- projections [--events N] [--small N] [--fixed-rates [--rates R1,R2,..] [--seconds S]] [--skip-rebuild]
//   [--skip-sustained] [--sustained-from R] [--sustained-factor F] [--sustained-bisections N] [--sustained-max R]
//   [--step-seconds S]`:
// the projector's rebuild and end-to-end latency against raw baselines measured in the same run, on the same
// database and broker. e2e (--fixed-rates): intake and the projector run as processes; the first rate is the goal's, the next ones
// are tried only while a rate is not sustained (the highest steady rate of this machine). e2e_sustained: the highest
// offered rate the whole chain holds (p99 < 1 s, no growing backlog), found by stepping the rate, against the same
// search on a raw chain (bare HTTP -> INSERT + produce -> raw consumer -> INSERT); e2e_p99_at_half: both at half
// of our sustained rate. Smoke: --events 2000 --sustained-max 100 --step-seconds 2.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { Pool } from 'pg';
import { ReadModelDb, SummaryRebuilder } from '@orders/projector/src/operations';
import { machine, median, metric, percentile, report, type Metric } from '../lib/report';
import { e2eLatencies, type RatePoint } from './e2e';
import { startStack, type E2eStack } from './stack';
import { startRawChain, sustainedMetrics, sustainedRate, type SearchOptions, type Step } from './sustained';
import { PeakResident, residentMiB } from '../lib/service-process';
import { rawCopy } from './raw-baseline';
import { seedJournal } from '@orders/projector/test/journal-seed';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const EVENTS = arg('events', 1_000_000);
const SMALL = arg('small', Math.round(EVENTS / 10));
const SECONDS = arg('seconds', 10);
const RATES = (() => {
  const i = process.argv.indexOf('--rates');
  const list =
    i >= 0
      ? (process.argv[i + 1] ?? '')
          .split(',')
          .map(Number)
          .filter((r) => r > 0)
      : [];
  return list.length > 0 ? list : [500, 300, 200, 150, 100, 75, 50];
})();
// The fixed-rate e2e (p99 at 500/s, the old goal this machine cannot judge: issue 20) runs only when asked.
const FIXED_RATES = process.argv.includes('--fixed-rates');
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCH = 5000;
const SEARCH: SearchOptions = {
  from: arg('sustained-from', 60),
  factor: arg('sustained-factor', 2),
  bisections: arg('sustained-bisections', 2),
  max: arg('sustained-max', 2000),
  seconds: arg('step-seconds', 6),
  drainMs: 10_000,
  coolDownMs: 2000,
};

async function journal(events: number): Promise<ReadModelDb> {
  const db = await ReadModelDb.create({
    connection: testDatabaseUrl(),
    schema: `bench_projector_${randomBytes(4).toString('hex')}`,
    poolSize: 4,
  });
  const written = await seedJournal(db.pool, db.schema, events);
  await db.pool.query(`ANALYZE "${db.schema}".events`);
  console.log(`seeded ${written} events into ${db.schema}`);
  return db;
}

/** A full blue/green rebuild (build, switch): events per second. */
async function rebuildRate(db: ReadModelDb): Promise<{ rate: number; seconds: number }> {
  const start = performance.now();
  const result = await new SummaryRebuilder(db).rebuild({ batchSize: BATCH });
  const seconds = (performance.now() - start) / 1000;
  return { rate: result.processed / seconds, seconds };
}

async function rawRate(db: ReadModelDb): Promise<number> {
  const start = performance.now();
  const copied = await rawCopy(db.pool, db.schema, BATCH);
  return copied / ((performance.now() - start) / 1000);
}

async function drop(db: ReadModelDb): Promise<void> {
  await db.pool.query(`DROP SCHEMA "${db.schema}" CASCADE`);
  await db.close();
}

async function rebuildMetrics(): Promise<Metric[]> {
  const metrics: Metric[] = [];
  // Both sizes get the same treatment (two rebuilds, the faster counts), so the ratio of times compares like with like.
  const small = await journal(SMALL);
  const smallRuns = [await rebuildRate(small), await rebuildRate(small)];
  const smallRun = smallRuns.reduce((a, b) => (a.seconds < b.seconds ? a : b));
  console.log(`rebuild ${SMALL}: ${smallRuns.map((r) => r.seconds.toFixed(1)).join(', ')} s`);
  await drop(small);

  const big = await journal(EVENTS);
  // Alternate ours and raw so both see the same cache and load; keep the better of two of each.
  const oursRuns = [await rebuildRate(big)];
  const rawRuns = [await rawRate(big)];
  oursRuns.push(await rebuildRate(big));
  rawRuns.push(await rawRate(big));
  const best = oursRuns.reduce((a, b) => (a.rate > b.rate ? a : b));
  metrics.push(
    metric(
      `rebuild_${EVENTS >= 1_000_000 ? `${EVENTS / 1_000_000}m` : EVENTS}`,
      'events/s',
      best.rate,
      Math.max(...rawRuns),
      'raw keyset read + batched insert into a bare table',
      { goal: 'ratio >= 0.5', notes: `blue/green rebuild of order-summary incl. switch, batch ${BATCH}` },
    ),
  );
  console.log(
    `rebuild ${EVENTS}: ours ${oursRuns.map((r) => r.rate.toFixed(0)).join(', ')} events/s; raw ${rawRuns.map((r) => r.toFixed(0)).join(', ')} events/s`,
  );
  const smallTime = smallRun.seconds;
  metrics.push(
    metric(
      'rebuild_linearity',
      'ratio of times',
      best.seconds / smallTime,
      EVENTS / SMALL,
      `ideal (events ratio ${EVENTS}/${SMALL})`,
      {
        goal: 'ours between 8 and 12',
        notes: `${best.seconds.toFixed(1)} s for ${EVENTS} vs ${smallTime.toFixed(1)} s for ${SMALL}`,
      },
    ),
  );
  await drop(big);
  return metrics;
}

function describe(point: RatePoint): string {
  return (
    `offered ${point.rate}/s for ${SECONDS} s (${point.commands} submits, open loop), sent ${point.sentRate.toFixed(0)}/s, ` +
    `intake answered ${point.answeredRate.toFixed(0)}/s (answer p50 ${median(point.answered).toFixed(0)} ms, p99 ${percentile(point.answered, 99).toFixed(0)} ms), ` +
    `in intake's topic p50 ${median(point.inKafka).toFixed(0)} ms, p99 ${percentile(point.inKafka, 99).toFixed(0)} ms (probe consumer), ` +
    `CPU from first send to last visible: intake ${(point.cpu.intake * 100).toFixed(0)}%, projector ${(point.cpu.projector * 100).toFixed(0)}% of one core ` +
    `(${point.cpuPerCommandMs.intake.toFixed(2)} and ${point.cpuPerCommandMs.projector.toFixed(2)} CPU ms per command), ` +
    `load average ${point.loadAverage.toFixed(1)} on ${cpus().length} cores, ` +
    `${point.errors} errors, ${point.unseen} never visible, ${point.sustained ? 'sustained' : 'NOT sustained (backlog grows)'}; ` +
    'visible = the NOTIFY of a trigger on the summary table, delivered at commit'
  );
}

/** HTTP submit in intake -> visible in the summary: the goal's rate, and the highest steady rate when that is not sustained. */
async function e2eMetrics(stack: E2eStack): Promise<Metric[]> {
  const { points, direct } = await e2eLatencies(stack, testDatabaseUrl(), BROKERS, RATES, SECONDS);
  const metrics: Metric[] = [];
  const path =
    'HTTP submit (intake: validate, decide, append + seal) -> relay -> Kafka -> projector chunk -> summary row visible';
  for (const [i, point] of points.entries()) {
    if (i > 0 && !point.sustained && i < points.length - 1) continue; // the goal's rate and the sustained one
    const suffix = i === 0 ? '' : `_at_${point.rate}`;
    console.log(
      `e2e ${point.rate}/s: ours p50 ${median(point.ours).toFixed(1)} p99 ${percentile(point.ours, 99).toFixed(1)} ms; ` +
        `raw p50 ${median(point.raw).toFixed(1)} p99 ${percentile(point.raw, 99).toFixed(1)} ms; ${describe(point)}`,
    );
    metrics.push(
      metric(
        `e2e_p99${suffix}`,
        'ms',
        percentile(point.ours, 99),
        percentile(point.raw, 99),
        'raw kafkajs produce -> consume p99, same rate',
        { ...(i === 0 ? { goal: 'ratio <= 5' } : {}), notes: `${path}; ${describe(point)}` },
      ),
    );
    metrics.push(
      metric(
        `e2e_p50${suffix}`,
        'ms',
        median(point.ours),
        median(point.raw),
        'raw kafkajs produce -> consume p50, same rate',
        { notes: `${point.rate}/s` },
      ),
    );
  }
  const first = points[0] as RatePoint;
  metrics.push(
    metric(
      'projector_p99',
      'ms',
      percentile(direct, 99),
      percentile(first.raw, 99),
      'raw kafkajs produce -> consume p99, same rate',
      {
        notes: `the projector's part alone: ExternalOrderReceived produced straight to intake's topic at ${first.rate}/s for ${SECONDS} s -> visible in the summary (p50 ${median(direct).toFixed(1)} ms)`,
      },
    ),
  );
  return metrics;
}

const describeSteps = (steps: Step[]) =>
  steps.map((s) => `${s.rate}/s p99 ${s.p99.toFixed(0)} ms${s.sustained ? '' : ' (not held)'}`).join(', ');

/** e2e_sustained and e2e_p99_at_half, ours against the raw chain on the same database and broker. */
async function sustainedSearch(stack: E2eStack): Promise<Metric[]> {
  const raw = await startRawChain(testDatabaseUrl(), BROKERS, stack.topicPrefix);
  try {
    const result = await sustainedMetrics(stack, raw, testDatabaseUrl(), SEARCH);
    const [ours, rawRate] = [sustainedRate(result.ours), sustainedRate(result.raw)];
    const search =
      `steps x${SEARCH.factor} from ${SEARCH.from}/s up to ${SEARCH.max}/s, ${SEARCH.seconds} s each, one step between the last held and ` +
      "the first failed; held = no error, none lost, answers >= 90% of the offer, p99 < 1 s, the last quarter's median within 1.5x of the first's";
    const metrics = [
      metric(
        'e2e_sustained',
        'orders/s',
        ours,
        rawRate,
        'raw chain: bare HTTP -> one INSERT + one produce -> raw consumer -> one INSERT',
        {
          goal: 'ratio >= 0.5',
          notes: `${search}; ours: ${describeSteps(result.ours)}; raw: ${describeSteps(result.raw)}`,
        },
      ),
    ];
    if (result.half) {
      const { rate, ours: o, raw: r } = result.half;
      metrics.push(
        metric('e2e_p99_at_half', 'ms', o.p99, r.p99, `raw chain p99 at ${rate}/s`, {
          goal: 'ratio <= 5',
          notes:
            `half of our sustained rate, ${SEARCH.seconds} s; p50 ${o.p50.toFixed(0)} vs ${r.p50.toFixed(0)} ms; ` +
            `${o.errors + r.errors} errors, ${o.unseen + r.unseen} unseen`,
        }),
      );
    }
    return metrics;
  } finally {
    await raw.close();
  }
}

/** Intake and the projector as processes: their resident memory idle and at peak over whatever load ran. */
async function stackMetrics(): Promise<Metric[]> {
  const stack = await startStack(ADMIN_URL, testDatabaseUrl(), BROKERS);
  const metrics: Metric[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000)); // idle: started, connected, nothing asked yet
    const idle = { intake: residentMiB(stack.pids().intake), projector: residentMiB(stack.pids().projector) };
    const resident = new PeakResident({
      intake: () => stack.pids().intake,
      projector: () => stack.pids().projector,
    }).start();
    if (FIXED_RATES) metrics.push(...(await e2eMetrics(stack)));
    if (!process.argv.includes('--skip-sustained')) metrics.push(...(await sustainedSearch(stack)));
    const peak = resident.stop();
    for (const service of ['intake', 'projector'] as const) {
      metrics.push(
        metric(`resident memory idle ${service}`, 'MiB', idle[service], 150, 'goal ceiling', {
          goal: '<= 150',
          notes: `${service} RSS 2 s after it was live`,
        }),
        metric(`resident memory under load ${service}`, 'MiB', peak.get(service) ?? 0, 300, 'goal ceiling', {
          goal: '<= 300',
          notes: `${service} peak RSS sampled every 250 ms over the e2e runs`,
        }),
      );
    }
  } finally {
    await stack.close();
  }
  return metrics;
}

async function main(): Promise<void> {
  await ensureTestDatabase();
  const metrics: Metric[] = [];
  if (!process.argv.includes('--skip-rebuild')) metrics.push(...(await rebuildMetrics()));
  if (FIXED_RATES || !process.argv.includes('--skip-sustained')) metrics.push(...(await stackMetrics()));

  const server = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
  const { rows } = await server.query<{ server_version: string }>('SHOW server_version');
  await server.end();
  report('projections', machine(`PostgreSQL ${rows[0]?.server_version ?? '?'}`, BROKERS), metrics);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
