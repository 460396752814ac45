import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deleteTopicsWithPrefix } from '@orders/messaging/testing';
import { withClient } from '@orders/service-kit/testing';
import { cpuSeconds, freePort, startService, stopService, untilLive } from '../lib/service-process';

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

const service = (entry: string, env: Record<string, string>): ChildProcess =>
  startService(entry, { LOG_LEVEL: 'error', HOST: '127.0.0.1', ...env });

const onServer = (url: string, sql: string) => withClient(url, (db) => db.query(sql));

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
    service('apps/intake/src/main.ts', {
      ...common,
      PORT: String(intakePort),
      INTAKE_DATABASE_URL: intakeDb,
      INTAKE_LICENSES: company,
      TOPIC_PREFIX: topicPrefix,
    }),
    service('apps/projector/src/main.ts', {
      ...common,
      PORT: String(projectorPort),
      READMODELS_DATABASE_URL: readModelsUrl,
      PROJECTOR_SCHEMA: schema,
      PROJECTOR_OUTBOX_SCHEMA: `${schema}_outbox`,
      PROJECTOR_INBOX_SCHEMA: `${schema}_inbox`,
      TOPIC_PREFIX: topicPrefix,
    }),
  ];
  const close = async () => {
    await Promise.all(children.map(stopService));
    await onServer(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    for (const s of [schema, `${schema}_outbox`, `${schema}_inbox`])
      await onServer(readModelsUrl, `DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await deleteTopicsWithPrefix(brokers.split(','), topicPrefix);
  };
  try {
    await Promise.all([untilLive(intakePort), untilLive(projectorPort)]);
  } catch (error) {
    await close();
    throw error;
  }
  const [intake, projector] = children as [ChildProcess, ChildProcess];
  return {
    intakeUrl: `http://127.0.0.1:${intakePort}`,
    apiKey,
    company,
    summaryTable: `"${schema}".order_summary_v1`,
    topicPrefix,
    close,
    cpuSeconds: () => ({ intake: cpuSeconds(intake), projector: cpuSeconds(projector) }),
    pids: () => ({ intake: intake.pid, projector: projector.pid }),
  };
}
