// `npm run bench -- observability [--rounds N] [--seconds S] [--concurrency C]`: what tracing costs the submit path.
// Three intake processes, the real app each on a fresh database and topic prefix, differ only in their OTEL_*
// variables: none (tracing off, the baseline), `parentbased_traceidratio` at 1.0 and at 0.1, exporting OTLP/HTTP to
// a no-op receiver in this process (the export is paid in full; nothing leaves the machine). The load (keep-alive,
// C requests in flight, no incoming traceparent, so the ratio decides) goes to one at a time in 1 s slices taken in
// turn, so drift on a shared host falls on all three alike. Reported: orders/s and the intake process's CPU
// per order (from /proc, steadier than a rate where other work competes for the cores), each against tracing off.
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { deleteTopicsWithPrefix } from '@orders/messaging/testing';
import { benchOrder, client, throughput } from '../intake/load';
import { machine, median, metric, report, type Metric } from '../lib/report';
import { cpuSeconds, freePort, startService, stopService, untilLive } from '../lib/service-process';
import { startOtlpSink } from './otlp-sink';
import { withClient } from '@orders/service-kit/testing';

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) || fallback : fallback;
};
const ROUNDS = option('rounds', 5);
const ROUND_MS = option('seconds', 8) * 1000;
const CONCURRENCY = option('concurrency', 32);
const SLICE_MS = 1000;
const WARM_UP_MS = Math.min(ROUND_MS, 3000);
const COMPANY = 'bench-co';
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const urlOf = (database: string) => Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

interface Variant {
  readonly name: 'off' | 'sampled_100pct' | 'sampled_10pct';
  /** OTEL_TRACES_SAMPLER_ARG; undefined: no OTEL_* at all. */
  readonly ratio?: string;
}
const VARIANTS: readonly Variant[] = [
  { name: 'off' },
  { name: 'sampled_100pct', ratio: '1.0' },
  { name: 'sampled_10pct', ratio: '0.1' },
];

let sequence = 0;
const order = () => benchOrder(`bench-${process.pid}-${++sequence}`);

interface Running {
  readonly variant: Variant;
  readonly process: ChildProcess;
  readonly database: string;
  readonly port: number;
  readonly submit: () => Promise<{ status: number; body: string }>;
  readonly close: () => void;
  readonly rates: number[];
  /** CPU µs of the intake process per order, per round. */
  readonly cpuPerOrder: number[];
  sent: number;
}

async function main(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const topicPrefix = (variant: Variant) => `bench-obs-${suffix}-${variant.name}.`;
  const key = randomBytes(16).toString('hex');
  const sink = await startOtlpSink();
  const running: Running[] = [];
  try {
    for (const variant of VARIANTS) {
      const database = `obs_bench_${suffix}_${variant.name}`;
      await withClient(adminUrl, (db) => db.query(`CREATE DATABASE "${database}"`));
      const port = await freePort();
      const tracing: Record<string, string> =
        variant.ratio === undefined
          ? {}
          : {
              OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/v1/traces?service=${variant.name}`,
              OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
              OTEL_TRACES_SAMPLER_ARG: variant.ratio,
            };
      const child = startService(
        'apps/intake/src/main.ts',
        {
          INTAKE_DATABASE_URL: urlOf(database),
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          API_KEYS: `bench:${key}:${COMPANY}`,
          INTAKE_LICENSES: COMPANY,
          TOPIC_PREFIX: topicPrefix(variant),
          KAFKA_BROKERS: brokers,
          ...tracing,
        },
        (name) => name.startsWith('OTEL_'),
      ); // the baseline is "none set", whatever this shell exports
      const http = client(`http://127.0.0.1:${port}`, { 'Api-Key': key }, CONCURRENCY);
      const submit = () => http.send('POST', `/api/v1/companies/${COMPANY}/external-orders`, order());
      running.push({
        variant,
        process: child,
        database,
        port,
        submit,
        close: http.close,
        rates: [],
        cpuPerOrder: [],
        sent: 0,
      });
    }
    await Promise.all(running.map((r) => untilLive(r.port)));

    /** Orders completed and wall seconds of one variant's load for `durationMs`. */
    const measure = async (r: Running, durationMs: number) => {
      const started = performance.now();
      const rate = await throughput(durationMs, CONCURRENCY, r.submit, 201);
      const seconds = (performance.now() - started) / 1000;
      r.sent += Math.round(rate * seconds);
      return { orders: rate * seconds, seconds };
    };
    // Warm-up: JIT, pools, prepared statements, the state cache; the OTLP exporter's first connection.
    for (const r of running) await measure(r, WARM_UP_MS);
    // A round gives each variant ROUND_MS of load in slices of SLICE_MS taken in turn (the order rotating), so a
    // burst of other work on a shared host falls on the three alike rather than on one whole measurement.
    const slices = Math.max(1, Math.round(ROUND_MS / SLICE_MS));
    for (let round = 0; round < ROUNDS; round++) {
      // CPU over the whole round, idle slices included: the relay's publishing and the span exports of a slice's
      // orders run after it, and an idle intake's polling costs the three alike.
      const totals = running.map((r) => ({ orders: 0, seconds: 0, cpu: -cpuSeconds(r.process) }));
      for (let slice = 0; slice < slices; slice++) {
        for (let i = 0; i < running.length; i++) {
          const at = (round + slice + i) % running.length;
          const { orders, seconds } = await measure(running[at], ROUND_MS / slices);
          totals[at].orders += orders;
          totals[at].seconds += seconds;
        }
      }
      running.forEach((r, i) => {
        totals[i].cpu += cpuSeconds(r.process);
        r.rates.push(totals[i].orders / totals[i].seconds);
        r.cpuPerOrder.push((totals[i].cpu * 1e6) / totals[i].orders);
      });
      console.log(
        `round ${round + 1}/${ROUNDS}: ${running.map((r) => `${r.variant.name} ${r.rates[round].toFixed(1)}/s`).join(', ')}`,
      );
    }
  } finally {
    running.forEach((r) => r.close());
    // Shutdown flushes each service's span batches into the sink before it is read below.
    await Promise.all(running.map((r) => stopService(r.process)));
  }

  try {
    const [off, ...traced] = running;
    const pg = await withClient(
      adminUrl,
      async (db) => (await db.query('SHOW server_version')).rows[0].server_version as string,
    );
    const baselineName = 'the same intake, tracing off (no OTEL_* set)';
    const common = `median of ${ROUNDS} rounds of ${ROUND_MS / 1000} s each, taken in 1 s slices in turn; ${CONCURRENCY} in flight, keep-alive`;
    const metrics: Metric[] = traced.flatMap((r) => {
      const exported = sink.received(r.variant.name);
      const exportNotes =
        `OTEL_TRACES_SAMPLER=parentbased_traceidratio ARG=${r.variant.ratio}; OTLP/HTTP JSON to a no-op ` +
        `loopback receiver: ${exported.spans} spans in ${exported.requests} requests (${(exported.spans / r.sent).toFixed(2)} per order sent)`;
      return [
        metric(`submit_http_${r.variant.name}`, 'orders/s', median(r.rates), median(off.rates), baselineName, {
          notes: `${common}; ${exportNotes}`,
          ...(r.variant.ratio === '0.1' ? { goal: '>= 0.9' } : {}),
        }),
        metric(
          `intake_cpu_per_order_${r.variant.name}`,
          'µs',
          median(r.cpuPerOrder),
          median(off.cpuPerOrder),
          baselineName,
          {
            notes:
              'user + system CPU of the intake process over each whole round per order it took (relay, board projection and span export included); lower is better',
          },
        ),
      ];
    });
    report('observability', machine(`PostgreSQL ${pg}`, process.env.KAFKA_VERSION ?? '4.1.1'), metrics);
  } finally {
    await sink.close();
    for (const r of running) {
      await withClient(adminUrl, (db) => db.query(`DROP DATABASE IF EXISTS "${r.database}" WITH (FORCE)`));
      await deleteTopicsWithPrefix(brokers.split(','), topicPrefix(r.variant));
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
