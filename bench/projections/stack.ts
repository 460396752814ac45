import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { deleteTopicsWithPrefix } from '@orders/messaging/testing';
import { profileFlags } from '../lib/profile-flags';

const ROOT = join(__dirname, '..', '..');

/**
 * The real path of a command, as processes of their own (as deployed; each has its own event loop, so the load
 * generator and the observer in this process do not slow them down): intake with its relay to Kafka, and the
 * projector consuming its topic. A fresh intake database, a fresh read-model schema and topics with a random prefix.
 */
export interface E2eStack {
  intakeUrl: string;
  apiKey: string;
  company: string;
  /** The summary table (version 1; the bench does not rebuild while it measures) the observer watches. */
  summaryTable: string;
  topicPrefix: string;
  /** CPU seconds each service process has used so far (Linux /proc; 0 elsewhere). */
  cpuSeconds(): { intake: number; projector: number };
  /** The service processes' ids, for their resident memory. */
  pids(): { intake: number | undefined; projector: number | undefined };
  close(): Promise<void>;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function cpuOf(child: ChildProcess): number {
  try {
    // utime and stime are the 14th and 15th fields; the 2nd (the command) may hold spaces, so count after its ')'
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(')').pop()?.trim().split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

function service(entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...profileFlags(), '-r', '@swc-node/register', entry], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: 'error', HOST: '127.0.0.1', ...env },
  });
  child.on('exit', (code, signal) => { if (code) console.error(`${entry} exited (${code ?? signal})`); });
  return child;
}

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exit;
}

async function live(port: number): Promise<void> {
  const answers = () => new Promise<boolean>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/health/live' }, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
  });
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (await answers()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing answered on port ${port}`);
}

async function onServer(url: string, sql: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(sql);
  } finally {
    await db.end();
  }
}

export async function startStack(adminUrl: string, readModelsUrl: string, brokers: string): Promise<E2eStack> {
  const id = randomBytes(4).toString('hex');
  const database = `intake_e2e_${id}`;
  const topicPrefix = `bench-e2e-${id}.`;
  const schema = `bench_e2e_${id}`;
  const apiKey = randomBytes(16).toString('hex');
  const company = 'bench-co';
  await onServer(adminUrl, `CREATE DATABASE "${database}"`);
  const intakeDb = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
  const [intakePort, projectorPort] = [await freePort(), await freePort()];
  const common = { KAFKA_BROKERS: brokers, API_KEYS: `bench:${apiKey}:${company}` };
  const children = [
    service('apps/intake/src/main.ts', { ...common, PORT: String(intakePort), INTAKE_DATABASE_URL: intakeDb, INTAKE_LICENSES: company, TOPIC_PREFIX: topicPrefix }),
    service('apps/projector/src/main.ts', {
      ...common, PORT: String(projectorPort), READMODELS_DATABASE_URL: readModelsUrl, PROJECTOR_SCHEMA: schema,
      PROJECTOR_OUTBOX_SCHEMA: `${schema}_outbox`, PROJECTOR_INBOX_SCHEMA: `${schema}_inbox`, TOPIC_PREFIX: topicPrefix,
    }),
  ];
  const close = async () => {
    await Promise.all(children.map(ended));
    await onServer(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    for (const s of [schema, `${schema}_outbox`, `${schema}_inbox`]) await onServer(readModelsUrl, `DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await deleteTopicsWithPrefix(brokers.split(','), topicPrefix);
  };
  try {
    await Promise.all([live(intakePort), live(projectorPort)]);
  } catch (error) {
    await close();
    throw error;
  }
  const [intake, projector] = children as [ChildProcess, ChildProcess];
  return {
    intakeUrl: `http://127.0.0.1:${intakePort}`, apiKey, company, summaryTable: `"${schema}".order_summary_v1`, topicPrefix, close,
    cpuSeconds: () => ({ intake: cpuOf(intake), projector: cpuOf(projector) }),
    pids: () => ({ intake: intake.pid, projector: projector.pid }),
  };
}
