// `npm run bench -- intake`: submitted orders/s over HTTP against a bare NestJS INSERT endpoint, and the time from
// a submission to the order being visible on the board. Both servers run as child processes on a fresh database;
// the load comes from this process (keep-alive, 32 requests in flight).
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { deleteTopicsWithPrefix } from '@orders/messaging/testing';
import type { ChildProcess } from 'node:child_process';
import {
  cpuSeconds,
  freePort,
  PeakResident,
  postgresCpuSeconds,
  residentMiB,
  startService,
  stopService,
} from '../lib/service-process';
import { machine, median, metric, percentile, report } from '../lib/report';
import { benchOrder, client, throughput, type Response } from './load';
import type { Client } from 'pg';
import { withClient } from '@orders/service-kit/testing';

const CONCURRENCY = 32;
const ROUND_MS = 8_000;
const ROUNDS = 3;
const BOARD_SAMPLES = 400;
const COMPANY = 'bench-co';
const baseUrl = process.env.INTAKE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/intake';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

const urlOf = (database: string) => Object.assign(new URL(baseUrl), { pathname: `/${database}` }).toString();

const admin = <T>(database: string, work: (db: Client) => Promise<T>): Promise<T> => withClient(urlOf(database), work);

/** Polls until the server answers anything (the Nest app is listening). */
async function listening(port: number, path: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const up = await new Promise<boolean>((resolve) =>
      get({ host: '127.0.0.1', port, path }, (res) => {
        res.resume();
        resolve(true);
      }).on('error', () => resolve(false)),
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

let sequence = 0;
const order = () => benchOrder(`bench-${process.pid}-${++sequence}`);

/** Board notices from the SSE stream, by order id, with the instant each arrived. */
function boardArrivals(port: number, key: string) {
  const arrived = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const req = get(
    {
      host: '127.0.0.1',
      port,
      path: `/api/v1/companies/${COMPANY}/external-order-events`,
      headers: { 'Api-Key': key },
    },
    (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now();
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.startsWith('data: {'))) {
          const { orderId, eventType } = JSON.parse(line.slice(6)) as { orderId: string; eventType: string };
          if (eventType !== 'ExternalOrderReceived') continue;
          arrived.set(orderId, at);
          waiting.get(orderId)?.(at);
        }
      });
    },
  );
  return {
    when: (orderId: string) =>
      new Promise<number>((resolve) => {
        const at = arrived.get(orderId);
        if (at !== undefined) resolve(at);
        else waiting.set(orderId, resolve);
      }),
    close: () => req.destroy(),
  };
}

async function main(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const database = `intake_bench_${suffix}`;
  const topicPrefix = `bench-${suffix}.`;
  const key = randomBytes(16).toString('hex');
  await admin('postgres', (db) => db.query(`CREATE DATABASE "${database}"`));
  const [intakePort, barePort] = [await freePort(), await freePort()];
  const intake = startService('apps/intake/src/main.ts', {
    INTAKE_DATABASE_URL: urlOf(database),
    PORT: String(intakePort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    API_KEYS: `bench:${key}:${COMPANY}`,
    INTAKE_LICENSES: COMPANY,
    TOPIC_PREFIX: topicPrefix,
    KAFKA_BROKERS: brokers,
  });
  const bare = startService('bench/intake/bare-server.ts', {
    BENCH_DATABASE_URL: urlOf(database),
    PORT: String(barePort),
  });
  const ours = client(`http://127.0.0.1:${intakePort}`, { 'Api-Key': key }, CONCURRENCY);
  const baseline = client(`http://127.0.0.1:${barePort}`, {}, CONCURRENCY);
  try {
    await Promise.all([listening(intakePort, '/health/live'), listening(barePort, '/')]);
    // Idle: started, connected, nothing asked of it yet (its relay and projections poll meanwhile).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleMiB = residentMiB(intake.pid);
    const resident = new PeakResident({ intake: () => intake.pid }).start();
    const submitOurs = () => ours.send('POST', `/api/v1/companies/${COMPANY}/external-orders`, order());
    const submitBare = () => baseline.send('POST', '/orders', order());
    // Warm-up: JIT, pools, prepared statements, the state cache.
    await throughput(2000, CONCURRENCY, submitOurs, 201);
    await throughput(2000, CONCURRENCY, submitBare, 201);
    const rates = { ours: [] as number[], bare: [] as number[] };
    const cpuMsPerSubmit: number[] = [];
    const cpuMsPerBare: number[] = [];
    const pgMsPerSubmit: number[] = [];
    const pgMsPerBare: number[] = [];
    /** One round: the rate, and the service's and PostgreSQL's CPU ms per request over it. */
    const measured = async (submit: () => Promise<Response>, service: ChildProcess) => {
      const [cpuBefore, pgBefore] = [cpuSeconds(service), postgresCpuSeconds()];
      const rate = await throughput(ROUND_MS, CONCURRENCY, submit, 201);
      const requests = rate * (ROUND_MS / 1000);
      return {
        rate,
        cpuMs: ((cpuSeconds(service) - cpuBefore) * 1000) / requests,
        pgMs: ((postgresCpuSeconds() - pgBefore) * 1000) / requests,
      };
    };
    for (let round = 0; round < ROUNDS; round++) {
      const b = await measured(submitBare, bare);
      rates.bare.push(b.rate);
      cpuMsPerBare.push(b.cpuMs);
      pgMsPerBare.push(b.pgMs);
      // The relay's and the board's work for a submit mostly lands inside the round too: CPU over the round's orders.
      const o = await measured(submitOurs, intake);
      rates.ours.push(o.rate);
      cpuMsPerSubmit.push(o.cpuMs);
      pgMsPerSubmit.push(o.pgMs);
    }
    const loadMiB = resident.stop().get('intake') ?? 0;

    // Submission to board, one order at a time: the SSE notice is sent in the projection's own transaction, so
    // its arrival is the moment the order became visible on the board.
    const board = boardArrivals(intakePort, key);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the stream subscribes before the first sample
    const toBoard: number[] = [];
    const toResponse: number[] = [];
    for (let i = 0; i < BOARD_SAMPLES; i++) {
      const started = performance.now();
      const res = await submitOurs();
      const answered = performance.now();
      if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${res.body}`);
      const visible = await board.when((JSON.parse(res.body) as { orderId: string }).orderId);
      toResponse.push(answered - started);
      toBoard.push(visible - started);
    }
    board.close();

    const pg = await admin(
      database,
      async (db) => (await db.query('SHOW server_version')).rows[0].server_version as string,
    );
    report('intake', machine(`PostgreSQL ${pg}`, process.env.KAFKA_VERSION ?? '4.1.1'), [
      metric(
        'submit_http',
        'orders/s',
        median(rates.ours),
        median(rates.bare),
        'bare NestJS POST doing one raw INSERT',
        {
          notes: `${CONCURRENCY} in flight, keep-alive, median of ${ROUNDS} rounds of ${ROUND_MS / 1000} s; ours validates, appends the event, seals the guest data, answers; the board projection and the Kafka relay run meanwhile`,
        },
      ),
      metric('submit_cpu', 'CPU ms/order', median(cpuMsPerSubmit), median(cpuMsPerBare), 'the bare endpoint', {
        notes: `each service's user+system CPU over its submit round / orders submitted in it, median of ${ROUNDS}`,
      }),
      metric('submit_postgres_cpu', 'CPU ms/order', median(pgMsPerSubmit), median(pgMsPerBare), 'the bare endpoint', {
        notes:
          `every PostgreSQL process's CPU over the round / orders in it, median of ${ROUNDS}: the database's ` +
          'share (ours: append, seal, board projection, relay reads and checkpoints); the server is shared, so ' +
          'only a quiet machine gives a figure of the round alone',
      }),
      metric('resident memory idle', 'MiB', idleMiB, 150, 'goal ceiling', {
        goal: '<= 150',
        notes: 'intake RSS 2 s after it answered /health/live',
      }),
      metric('resident memory under load', 'MiB', loadMiB, 300, 'goal ceiling', {
        goal: '<= 300',
        notes: `intake peak RSS sampled every 250 ms over the warm-up and the submit rounds (${CONCURRENCY} in flight)`,
      }),
      metric('submit_to_board_p50', 'ms', median(toBoard), median(toResponse), 'submit HTTP response p50', {
        notes: `${BOARD_SAMPLES} sequential submissions, visible = SSE notice from the projection's commit`,
      }),
      metric(
        'submit_to_board_p99',
        'ms',
        percentile(toBoard, 99),
        percentile(toResponse, 99),
        'submit HTTP response p99',
      ),
    ]);
  } finally {
    ours.close();
    baseline.close();
    await Promise.all([stopService(intake), stopService(bare)]);
    await admin('postgres', (db) => db.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    await deleteTopicsWithPrefix(brokers.split(','), topicPrefix);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
