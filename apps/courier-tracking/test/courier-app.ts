import { createPool } from '@orders/event-store';
import { ignoreForcedDrop } from '@orders/service-kit/testing';
import type { Pool } from 'pg';
import { databaseUrlOn, onAdmin } from '@orders/service-kit/testing';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MessagingTransport, startMessaging } from '@orders/messaging/nest';
import { createServiceApp } from '@orders/service-kit';
import request from 'supertest';

/** Keys of the test principals: one per company, and an operator acting for every company. */
export interface CourierKeys {
  readonly companyA: string;
  readonly companyB: string;
  readonly operator: string;
}

export interface CourierTestApp {
  readonly app: NestExpressApplication;
  /** Prepended to every topic and consumer group of this app (COURIER_TOPIC_PREFIX). */
  readonly topicPrefix: string;
  /** Resolves once the relay and the consumers run. */
  kafkaReady(): Promise<void>;
  readonly keys: CourierKeys;
  readonly database: string;
  /** A pool on the app's own database, for looking behind the API. */
  readonly pool: Pool;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

const baseUrl = process.env.COURIER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/courier';

export const databaseUrl = (database: string): string => databaseUrlOn(baseUrl, database);
const admin = (sql: string): Promise<void> => onAdmin(baseUrl, sql);

/** Boots the real courier-tracking app on a fresh database (real PostgreSQL and broker); `env` adds variables. */
export async function startCourierTracking(env: Record<string, string> = {}): Promise<CourierTestApp> {
  const suffix = randomBytes(4).toString('hex');
  const database = `courier_test_${suffix}`;
  const topicPrefix = env.COURIER_TOPIC_PREFIX ?? `test-${suffix}.`;
  const keys: CourierKeys = {
    companyA: `a-${randomBytes(12).toString('hex')}`, companyB: `b-${randomBytes(12).toString('hex')}`, operator: `o-${randomBytes(12).toString('hex')}`,
  };
  await admin(`CREATE DATABASE "${database}"`);
  const saved = { ...process.env };
  Object.assign(process.env, {
    COURIER_DATABASE_URL: databaseUrl(database),
    LOG_LEVEL: 'silent',
    COURIER_TOPIC_PREFIX: topicPrefix,
    API_KEYS: [`dispatcher-a:${keys.companyA}:company-a`, `dispatcher-b:${keys.companyB}:company-b`, `ops:${keys.operator}`].join(','),
    ...env,
  });
  try {
    const { AppModule } = await import('../src/app.module');
    const app = await createServiceApp(AppModule);
    await app.init();
    await startMessaging(app); // as main.ts: Kafka connects in the background
    const pool = createPool({ connectionString: databaseUrl(database), max: 2 }, ignoreForcedDrop);
    return {
      app, keys, database, pool, topicPrefix,
      kafkaReady: () => app.get(MessagingTransport).ready(),
      http: () => request(app.getHttpServer()),
      async close() {
        await pool.end();
        await app.close();
        await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      },
    };
  } finally {
    process.env = saved;
  }
}

/**
 * Boots the app once for the enclosing `describe` (beforeAll) and closes it after (afterAll). The handle is usable
 * from the hooks and tests on, not while the suite is being declared. `kafka` also waits, in beforeAll, for the relay
 * and consumers; suites that must act before they start (a crash left rows behind) call `kafkaReady()` themselves.
 */
export function useCourierTracking(options: { kafka?: boolean } = {}): CourierTestApp {
  let started: CourierTestApp | undefined;
  const current = (): CourierTestApp => {
    if (!started) throw new Error('the courier-tracking app is not started yet: use it inside a hook or a test');
    return started;
  };
  beforeAll(async () => {
    started = await startCourierTracking();
    if (options.kafka) await started.kafkaReady();
  }, options.kafka ? 90_000 : 60_000);
  afterAll(async () => started?.close());
  return {
    get app() { return current().app; },
    get topicPrefix() { return current().topicPrefix; },
    get keys() { return current().keys; },
    get database() { return current().database; },
    get pool() { return current().pool; },
    kafkaReady: () => current().kafkaReady(),
    http: () => current().http(),
    close: () => current().close(),
  };
}

/** Polls until `accept` holds (read models are eventually consistent); fails with the last value after the deadline. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const order = (overrides: Record<string, unknown> = {}) => ({
  number: `N-${randomBytes(4).toString('hex')}`,
  address: 'Tverskaya street 7, apt 12',
  lat: 55.757, lon: 37.615,
  time_interval: '11:00-12:00',
  customer_name: 'Anna Petrovna Smirnova',
  phone: '+79161234567',
  comments: 'door code 4412',
  ...overrides,
});
