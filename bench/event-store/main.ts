// `npm run bench -- event-store [--rounds N]`: the event store against raw SQL baselines, same run, same database,
// and against a peer (Emmett's PostgreSQL event store) on the same workloads, alternated round by round.
import { performance } from 'node:perf_hooks';
import { createTestEventStore } from '@orders/event-store/testing';
import type { EventStore } from '@orders/event-store';
import { machine, median, metric, percentile, report, type Metric } from '../lib/report';
import { counter, payload, type CountCommand } from './counter';
import { createRawTable, rawInsert, rawReadAll } from './raw-baseline';
import { peerAppendBatched, peerCommands, peerReadAll } from './peer-workloads';
import { createEmmettPeer, type EmmettPeer } from './emmett-peer';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
import {
  BATCH,
  COMMAND_WORKERS,
  COMMANDS_PER_WORKER,
  parallel,
  READ_PAGE,
  timed,
  TX_PER_WRITER,
  WRITERS,
} from './workloads';

/** Events appended to our store, to check that read_all returns each of them exactly once. */
let oursAppended = 0;

async function appendBatched(store: EventStore, raw: string, round: string): Promise<{ ours: number; raw: number }> {
  const events = WRITERS * TX_PER_WRITER * BATCH;
  oursAppended += events;
  const batch = Array.from({ length: BATCH }, (_, i) => ({ type: 'Counted', data: payload(i) }));
  const ours = await timed(() =>
    parallel(WRITERS, async (w) => {
      for (let t = 0; t < TX_PER_WRITER; t++) await store.append(`bench-${round}-${w}-${t}`, 'no_stream', batch);
    }),
  );
  const rawMs = await timed(() =>
    parallel(WRITERS, async (w) => {
      for (let t = 0; t < TX_PER_WRITER; t++) {
        await rawInsert(
          store.pool,
          raw,
          batch.map((e, i) => ({ streamId: `raw-${round}-${w}-${t}`, version: i + 1, data: e.data })),
        );
      }
    }),
  );
  return { ours: events / (ours / 1000), raw: events / (rawMs / 1000) };
}

interface Latencies {
  ours: number[];
  raw: number[];
  oursMs: number;
  rawMs: number;
}

async function commandLatencies(store: EventStore, raw: string, round: string): Promise<Latencies> {
  const handler = store.commandHandler({ decider: counter, streamType: 'bench', snapshot: { every: 100, version: 1 } });
  const now = new Date().toISOString();
  const ours: number[] = [];
  const rawLatencies: number[] = [];
  const oursMs = await timed(() =>
    parallel(COMMAND_WORKERS, async (w) => {
      for (let i = 0; i < COMMANDS_PER_WORKER; i++) {
        const command: CountCommand = { type: 'Count', data: { by: 1 }, metadata: { now } };
        const start = performance.now();
        await handler.handle(`bench-cmd-${round}-${w}`, command);
        ours.push(performance.now() - start);
      }
    }),
  );
  oursAppended += COMMAND_WORKERS * COMMANDS_PER_WORKER;
  for (let w = 0; w < COMMAND_WORKERS; w++) {
    const version = await store.streamVersion(`bench-cmd-${round}-${w}`);
    if (version !== COMMANDS_PER_WORKER)
      throw new Error(`ours: command stream ${w} at ${version}, expected ${COMMANDS_PER_WORKER}`);
  }
  const rawMs = await timed(() =>
    parallel(COMMAND_WORKERS, async (w) => {
      for (let i = 0; i < COMMANDS_PER_WORKER; i++) {
        const start = performance.now();
        await rawInsert(store.pool, raw, [{ streamId: `raw-cmd-${round}-${w}`, version: i + 1, data: payload(i) }]);
        rawLatencies.push(performance.now() - start);
      }
    }),
  );
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
  oursAppended += 10_000 + Math.floor(every / 2) + 10;
  for (let v = 0; v < 10_000; v += 500) {
    await store.append(
      long,
      v,
      Array.from({ length: 500 }, (_, i) => ({ type: 'Counted', data: payload(v + i + 1) })),
    );
  }
  const loaded = await store.load(long, counter, {});
  await store.writeSnapshot(long, policy, loaded.state, loaded.version);
  const tail = Math.floor(every / 2);
  await store.append(
    long,
    10_000,
    Array.from({ length: tail }, (_, i) => ({ type: 'Counted', data: payload(10_001 + i) })),
  );
  await store.append(
    short,
    'no_stream',
    Array.from({ length: 10 }, (_, i) => ({ type: 'Counted', data: payload(i + 1) })),
  );
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
  const positions: string[] = [];
  const oursMs = await timed(async () => {
    let page = await store.readAll({ limit: READ_PAGE });
    while (page.events.length > 0) {
      for (const e of page.events) positions.push(e.globalPosition);
      page = await store.readAll({ after: page.checkpoint, limit: READ_PAGE });
    }
  });
  const read = positions.length;
  if (read !== oursAppended || new Set(positions).size !== read) {
    throw new Error(
      `ours: read_all returned ${read} events (${new Set(positions).size} distinct), appended ${oursAppended}`,
    );
  }
  let rawRead = 0;
  const rawMs = await timed(async () => {
    rawRead = await rawReadAll(store.pool, raw, READ_PAGE);
  });
  return { ours: read / (oursMs / 1000), raw: rawRead / (rawMs / 1000) };
}

/** The peer's figures, gathered in the same rounds as ours. */
interface PeerFigures {
  append: number[];
  p99: number[];
  rate: number[];
  reads: number[];
  readFaults: string[];
}

async function main(): Promise<void> {
  const { store, schema, drop } = await createTestEventStore({
    prefix: 'bench',
    poolSize: 16,
    logger: { warn: () => undefined, error: console.error },
  });
  const raw = `${schema}_raw`;
  let peer: EmmettPeer | undefined;
  try {
    await createRawTable(store.pool, raw);
    peer = await createEmmettPeer();
    const { rows } = await store.pool.query<{ server_version: string }>('SHOW server_version');
    console.log(
      `event-store bench: ${rounds} rounds after a warm-up, schema ${schema}, peer Emmett 0.42 in its own database`,
    );

    await appendBatched(store, raw, 'warm');
    await commandLatencies(store, raw, 'warm');
    await peerAppendBatched(peer, 'warm');
    await peerCommands(peer, 'warm');
    const append = { ours: [] as number[], raw: [] as number[] };
    const p99 = { ours: [] as number[], raw: [] as number[] };
    const p50 = { ours: [] as number[], raw: [] as number[] };
    const rate = { ours: [] as number[], raw: [] as number[] };
    const oursVsPeer = { append: [] as number[], p99: [] as number[], rate: [] as number[], reads: [] as number[] };
    const peerFigures: PeerFigures = { append: [], p99: [], rate: [], reads: [], readFaults: [] };
    for (let r = 0; r < rounds; r++) {
      // Ours and the peer alternate who goes first, so a drift of the host falls on both alike.
      const peerFirst = r % 2 === 1;
      const peerAppend = peerFirst ? await peerAppendBatched(peer, `r${r}`) : 0;
      const a = await appendBatched(store, raw, `r${r}`);
      const pa = peerFirst ? peerAppend : await peerAppendBatched(peer, `r${r}`);
      append.ours.push(a.ours);
      append.raw.push(a.raw);
      const peerCommandsFirst = peerFirst ? await peerCommands(peer, `r${r}`) : undefined;
      const c = await commandLatencies(store, raw, `r${r}`);
      const pc = peerCommandsFirst ?? (await peerCommands(peer, `r${r}`));
      p99.ours.push(percentile(c.ours, 99));
      p99.raw.push(percentile(c.raw, 99));
      p50.ours.push(percentile(c.ours, 50));
      p50.raw.push(percentile(c.raw, 50));
      rate.ours.push(c.ours.length / (c.oursMs / 1000));
      rate.raw.push(c.raw.length / (c.rawMs / 1000));
      peerFigures.append.push(pa);
      peerFigures.p99.push(percentile(pc.latencies, 99));
      peerFigures.rate.push(pc.latencies.length / (pc.ms / 1000));
      oursVsPeer.append.push(a.ours / pa);
      oursVsPeer.p99.push(percentile(pc.latencies, 99) / percentile(c.ours, 99));
      oursVsPeer.rate.push(c.ours.length / (c.oursMs / 1000) / (pc.latencies.length / (pc.ms / 1000)));
      process.stdout.write(
        `  round ${r + 1}/${rounds}: append ${Math.round(a.ours)} vs raw ${Math.round(a.raw)} vs peer ${Math.round(pa)} ev/s, ` +
          `command p99 ${percentile(c.ours, 99).toFixed(2)} vs raw ${percentile(c.raw, 99).toFixed(2)} vs peer ${percentile(pc.latencies, 99).toFixed(2)} ms\n`,
      );
    }
    const loads = await streamLoad(store, 20);
    const sparse = await streamLoad(store, 100);
    const reads: { ours: number[]; raw: number[] } = { ours: [], raw: [] };
    for (let r = 0; r < 3; r++) {
      const peerRead = r % 2 === 1 ? await peerReadAll(peer) : undefined;
      const x = await readAllRates(store, raw);
      const pr = peerRead ?? (await peerReadAll(peer));
      reads.ours.push(x.ours);
      reads.raw.push(x.raw);
      peerFigures.reads.push(pr.rate);
      oursVsPeer.reads.push(x.ours / pr.rate);
      if (pr.missing || pr.duplicated)
        peerFigures.readFaults.push(`${pr.missing} missing, ${pr.duplicated} repeated of ${peer.appended}`);
    }

    const peerName = 'Emmett 0.42 PostgreSQL event store, same workload, alternated';
    const metrics: Metric[] = [
      metric(
        'append_batched',
        'events/s',
        median(append.ours),
        median(append.raw),
        'raw multi-row INSERT, bare table, same indexes',
        { goal: '>= 0.6', notes: `${WRITERS} writers, ${BATCH} events per transaction` },
      ),
      metric('command_p99', 'ms', median(p99.ours), median(p99.raw), 'raw single-row INSERT p99', {
        goal: '<= 3',
        notes: `${COMMAND_WORKERS} concurrent`,
      }),
      metric('command_p50', 'ms', median(p50.ours), median(p50.raw), 'raw single-row INSERT p50'),
      metric('command_throughput', 'commands/s', median(rate.ours), median(rate.raw), 'raw single-row INSERTs/s'),
      metric('long_stream_load', 'ms', loads.long, loads.short, '10-event stream load', {
        goal: '<= 2',
        notes: `10k events, snapshot every 20, tail 10; with a snapshot every 100 and a tail of 50: ${(sparse.long / sparse.short).toFixed(2)}`,
      }),
      metric('read_all', 'events/s', median(reads.ours), median(reads.raw), 'raw keyset SELECT of the same columns', {
        notes: 'pages of 1000, commit-safe order',
      }),
      // Against the peer the ratio reads "how many times better": ours/peer for rates, peer/ours for the p99.
      metric('peer_append_batched', 'x', median(oursVsPeer.append), 1, peerName, {
        goal: '>= 1.5',
        notes: `median of per-round ours/peer; peer ${Math.round(median(peerFigures.append))} events/s`,
      }),
      metric('peer_command_throughput', 'x', median(oursVsPeer.rate), 1, peerName, {
        goal: '>= 1.5',
        notes: `ours/peer; peer ${Math.round(median(peerFigures.rate))} commands/s through its CommandHandler`,
      }),
      metric('peer_command_p99', 'x', median(oursVsPeer.p99), 1, peerName, {
        goal: '>= 1.5',
        notes: `peer p99 / ours; peer ${median(peerFigures.p99).toFixed(2)} ms`,
      }),
      metric('peer_read_all', 'x', median(oursVsPeer.reads), 1, peerName, {
        goal: '>= 1.5',
        notes:
          `ours/peer; peer ${Math.round(median(peerFigures.reads))} events/s via readMessagesBatch, pages of ${READ_PAGE}; ` +
          `peer exactly-once: ${peerFigures.readFaults.length ? `FAILED (${peerFigures.readFaults.join('; ')})` : 'held'}; ours: held`,
      }),
    ];
    report('event-store', machine(`PostgreSQL ${rows[0].server_version}`, 'n/a'), metrics);
  } finally {
    await peer?.close().catch((error: unknown) => console.error(error));
    await store.pool.query(`DROP SCHEMA IF EXISTS "${raw}" CASCADE`).catch(() => undefined);
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
