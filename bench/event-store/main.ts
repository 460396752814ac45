// `npm run bench -- event-store [--rounds N]`: the event store against raw SQL baselines, same run, same database.
import { performance } from 'node:perf_hooks';
import { createTestEventStore } from '@orders/event-store/testing';
import type { EventStore } from '@orders/event-store';
import { machine, median, metric, percentile, report, type Metric } from '../lib/report';
import { counter, payload, type CountCommand } from './counter';
import { createRawTable, rawInsert, rawReadAll } from './raw-baseline';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const WRITERS = 4;
const TX_PER_WRITER = 25;
const BATCH = 100;
const COMMAND_WORKERS = 8;
const COMMANDS_PER_WORKER = 150;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const parallel = (n: number, work: (i: number) => Promise<void>) => Promise.all(Array.from({ length: n }, (_, i) => work(i)));

async function appendBatched(store: EventStore, raw: string, round: string): Promise<{ ours: number; raw: number }> {
  const events = WRITERS * TX_PER_WRITER * BATCH;
  const batch = Array.from({ length: BATCH }, (_, i) => ({ type: 'Counted', data: payload(i) }));
  const ours = await timed(() => parallel(WRITERS, async (w) => {
    for (let t = 0; t < TX_PER_WRITER; t++) await store.append(`bench-${round}-${w}-${t}`, 'no_stream', batch);
  }));
  const rawMs = await timed(() => parallel(WRITERS, async (w) => {
    for (let t = 0; t < TX_PER_WRITER; t++) {
      await rawInsert(store.pool, raw, batch.map((e, i) => ({ streamId: `raw-${round}-${w}-${t}`, version: i + 1, data: e.data })));
    }
  }));
  return { ours: events / (ours / 1000), raw: events / (rawMs / 1000) };
}

interface Latencies { ours: number[]; raw: number[]; oursMs: number; rawMs: number }

async function commandLatencies(store: EventStore, raw: string, round: string): Promise<Latencies> {
  const handler = store.commandHandler({ decider: counter, streamType: 'bench', snapshot: { every: 100, version: 1 } });
  const now = new Date().toISOString();
  const ours: number[] = [];
  const rawLatencies: number[] = [];
  const oursMs = await timed(() => parallel(COMMAND_WORKERS, async (w) => {
    for (let i = 0; i < COMMANDS_PER_WORKER; i++) {
      const command: CountCommand = { type: 'Count', data: { by: 1 }, metadata: { now } };
      const start = performance.now();
      await handler.handle(`bench-cmd-${round}-${w}`, command);
      ours.push(performance.now() - start);
    }
  }));
  const rawMs = await timed(() => parallel(COMMAND_WORKERS, async (w) => {
    for (let i = 0; i < COMMANDS_PER_WORKER; i++) {
      const start = performance.now();
      await rawInsert(store.pool, raw, [{ streamId: `raw-cmd-${round}-${w}`, version: i + 1, data: payload(i) }]);
      rawLatencies.push(performance.now() - start);
    }
  }));
  return { ours, raw: rawLatencies, oursMs, rawMs };
}

/**
 * Load time of a 10k-event stream against a 10-event one. A snapshotted stream's cost is its tail, which lies
 * anywhere between 0 and `every - 1` events after the latest snapshot; we measure at half an interval.
 */
async function streamLoad(store: EventStore, every: number): Promise<{ long: number; short: number }> {
  const policy = { every, version: every };
  const long = `bench-long-${every}`;
  const short = `bench-short-${every}`;
  for (let v = 0; v < 10_000; v += 500) {
    await store.append(long, v, Array.from({ length: 500 }, (_, i) => ({ type: 'Counted', data: payload(v + i + 1) })));
  }
  const loaded = await store.load(long, counter, {});
  await store.writeSnapshot(long, policy, loaded.state, loaded.version);
  const tail = Math.floor(every / 2);
  await store.append(long, 10_000, Array.from({ length: tail }, (_, i) => ({ type: 'Counted', data: payload(10_001 + i) })));
  await store.append(short, 'no_stream', Array.from({ length: 10 }, (_, i) => ({ type: 'Counted', data: payload(i + 1) })));
  const sample = async (id: string) => {
    const times: number[] = [];
    for (let i = 0; i < 300; i++) times.push(await timed(() => store.load(id, counter, { snapshot: policy })));
    return median(times);
  };
  await sample(long);
  await sample(short);
  return { long: await sample(long), short: await sample(short) };
}

async function readAllRates(store: EventStore, raw: string): Promise<{ ours: number; raw: number }> {
  let read = 0;
  const oursMs = await timed(async () => {
    let page = await store.readAll({ limit: 1000 });
    while (page.events.length > 0) {
      read += page.events.length;
      page = await store.readAll({ after: page.checkpoint, limit: 1000 });
    }
  });
  let rawRead = 0;
  const rawMs = await timed(async () => { rawRead = await rawReadAll(store.pool, raw, 1000); });
  return { ours: read / (oursMs / 1000), raw: rawRead / (rawMs / 1000) };
}

async function main(): Promise<void> {
  const { store, schema, drop } = await createTestEventStore({ prefix: 'bench', poolSize: 16, logger: { warn: () => undefined, error: console.error } });
  const raw = `${schema}_raw`;
  try {
    await createRawTable(store.pool, raw);
    const { rows } = await store.pool.query<{ server_version: string }>('SHOW server_version');
    console.log(`event-store bench: ${rounds} rounds after a warm-up, schema ${schema}`);

    await appendBatched(store, raw, 'warm');
    await commandLatencies(store, raw, 'warm');
    const append = { ours: [] as number[], raw: [] as number[] };
    const p99 = { ours: [] as number[], raw: [] as number[] };
    const p50 = { ours: [] as number[], raw: [] as number[] };
    const rate = { ours: [] as number[], raw: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const a = await appendBatched(store, raw, `r${r}`);
      append.ours.push(a.ours);
      append.raw.push(a.raw);
      const c = await commandLatencies(store, raw, `r${r}`);
      p99.ours.push(percentile(c.ours, 99));
      p99.raw.push(percentile(c.raw, 99));
      p50.ours.push(percentile(c.ours, 50));
      p50.raw.push(percentile(c.raw, 50));
      rate.ours.push(c.ours.length / (c.oursMs / 1000));
      rate.raw.push(c.raw.length / (c.rawMs / 1000));
      process.stdout.write(`  round ${r + 1}/${rounds}: append ${Math.round(a.ours)} vs ${Math.round(a.raw)} ev/s, command p99 ${percentile(c.ours, 99).toFixed(2)} vs ${percentile(c.raw, 99).toFixed(2)} ms\n`);
    }
    const loads = await streamLoad(store, 20);
    const sparse = await streamLoad(store, 100);
    const reads: { ours: number[]; raw: number[] } = { ours: [], raw: [] };
    for (let r = 0; r < 3; r++) {
      const x = await readAllRates(store, raw);
      reads.ours.push(x.ours);
      reads.raw.push(x.raw);
    }

    const metrics: Metric[] = [
      metric('append_batched', 'events/s', median(append.ours), median(append.raw), 'raw multi-row INSERT, bare table, same indexes',
        { goal: '>= 0.6', notes: `${WRITERS} writers, ${BATCH} events per transaction` }),
      metric('command_p99', 'ms', median(p99.ours), median(p99.raw), 'raw single-row INSERT p99', { goal: '<= 3', notes: `${COMMAND_WORKERS} concurrent` }),
      metric('command_p50', 'ms', median(p50.ours), median(p50.raw), 'raw single-row INSERT p50'),
      metric('command_throughput', 'commands/s', median(rate.ours), median(rate.raw), 'raw single-row INSERTs/s'),
      metric('long_stream_load', 'ms', loads.long, loads.short, '10-event stream load', { goal: '<= 2',
        notes: `10k events, snapshot every 20, tail 10; with a snapshot every 100 and a tail of 50: ${(sparse.long / sparse.short).toFixed(2)}` }),
      metric('read_all', 'events/s', median(reads.ours), median(reads.raw), 'raw keyset SELECT of the same columns', { notes: 'pages of 1000, commit-safe order' }),
    ];
    report('event-store', machine(`PostgreSQL ${rows[0].server_version}`, 'n/a'), metrics);
  } finally {
    await store.pool.query(`DROP SCHEMA IF EXISTS "${raw}" CASCADE`).catch(() => undefined);
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
