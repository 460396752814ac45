import { createPool } from '@orders/event-store';
import { ignoreForcedDrop } from '@orders/service-kit/testing';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startMessaging } from '@orders/messaging/nest';
import { createServiceApp, ManualClock } from '@orders/service-kit';
import { Client, type Pool } from 'pg';
import request from 'supertest';
import { marketplaceCancellationsApp } from '../src/app.module';
import { MarketplaceTopics } from '../src/publishing/marketplace-topics';
import { NotificationWorker } from '../src/receive-notification/notification-worker';
import { CancellationTimers } from '../src/expire-cancellations/cancellation-timers';

// A real stack for one spec file: its own database on the real PostgreSQL, instances of the real app on it.

const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const urlOf = (database: string): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface Instance {
  readonly app: NestExpressApplication;
  readonly http: () => request.Agent;
  readonly timers: CancellationTimers;
  readonly notifications: NotificationWorker;
  close(): Promise<void>;
}

export interface Stack {
  readonly databaseUrl: string;
  readonly pool: Pool;
  readonly clock: ManualClock;
  /** The stack's topics and consumer group, under its own TOPIC_PREFIX. */
  readonly topics: MarketplaceTopics;
  /** Keys: `all` (every campaign), `c21` (campaign 21 only), `c22` (campaign 22 only), `reader` (21, read only). */
  readonly keys: Record<'all' | 'c21' | 'c22' | 'reader', string>;
  start(): Promise<Instance>;
  drop(): Promise<void>;
}

/**
 * `topicPrefix` names the stack's topics and consumer group (TOPIC_PREFIX); by default a random one, so a
 * stack never shares a topic with another run or with production names.
 */
export async function createStack(
  options: { workers?: boolean; kafka?: boolean; topicPrefix?: string; env?: Record<string, string> } = {},
): Promise<Stack> {
  const database = `marketplace_t_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${database}"`);
  const databaseUrl = urlOf(database);
  const topics = new MarketplaceTopics(options.topicPrefix ?? `spec-${randomBytes(4).toString('hex')}.`);
  const keys = { all: `all-${hex()}`, c21: `c21-${hex()}`, c22: `c22-${hex()}`, reader: `reader-${hex()}` };
  const saved = { ...process.env };
  Object.assign(process.env, {
    MARKETPLACE_DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    API_KEYS: [
      `ops:${keys.all}`,
      `shop21:${keys.c21}:21`,
      `shop22:${keys.c22}:22`,
      `viewer:${keys.reader}:21:read`,
    ].join(','),
    CANCELLATION_WORKERS: options.workers ? 'on' : 'off',
    MARKETPLACE_KAFKA: options.kafka ? 'on' : 'off',
    TOPIC_PREFIX: topics.prefix,
    CANCELLATION_TIMER_POLL_MS: '50',
    NOTIFICATION_POLL_MS: '50',
    // Market's notifications come from its own ranges in production; the specs send them from loopback.
    MARKET_NOTIFICATION_SOURCES: '127.0.0.1,::1',
    ...options.env,
  });
  const clock = new ManualClock(new Date('2026-03-01T10:00:00.000Z'));
  const pool = createPool({ connectionString: databaseUrl, max: 4 }, ignoreForcedDrop);
  const instances = new Set<Instance>();
  return {
    databaseUrl,
    pool,
    clock,
    topics,
    keys,
    async start() {
      const app = await createServiceApp(marketplaceCancellationsApp({ clock }));
      await app.init();
      await startMessaging(app); // as main.ts: nothing when MARKETPLACE_KAFKA=off, else connects in the background
      const instance: Instance = {
        app,
        http: () => request.agent(app.getHttpServer()),
        timers: app.get(CancellationTimers),
        notifications: app.get(NotificationWorker),
        close: async () => {
          instances.delete(instance);
          await app.close();
        },
      };
      instances.add(instance);
      return instance;
    },
    async drop() {
      for (const instance of [...instances]) await instance.close();
      await pool.end();
      process.env = saved;
      await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    },
  };
}

const hex = (): string => randomBytes(12).toString('hex');

/**
 * A stack and one instance of the app for a describe block: made before its tests, dropped after them; with `t0`,
 * the clock is set to it before each test. Read `suite.stack` and `suite.api` inside the tests.
 */
export function stackForSuite(
  options: Parameters<typeof createStack>[0] = {},
  t0?: string,
): { readonly stack: Stack; readonly api: Instance } {
  const suite = {} as { stack: Stack; api: Instance };
  beforeAll(async () => {
    suite.stack = await createStack(options);
    suite.api = await suite.stack.start();
  }, 60_000);
  afterAll(() => suite.stack?.drop());
  if (t0 !== undefined) beforeEach(() => suite.stack.clock.set(t0));
  return suite;
}

/** Waits until `probe` returns a value that is not undefined/false (a condition, never a fixed sleep). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function one<T>(pool: Pool, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const { rows } = await pool.query(sql, params);
  return rows[0] as T | undefined;
}
