import {
  databaseUrlOn,
  eventually as pollUntil,
  startOnFreshDatabase,
  type ServiceTestApp,
} from '@orders/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { MessagingTransport } from '@orders/messaging/nest';

/** Keys of the test principals: one per company, and an operator acting for every company. */
export interface CourierKeys {
  readonly companyA: string;
  readonly companyB: string;
  readonly operator: string;
}

export interface CourierTestApp extends ServiceTestApp {
  /** Prepended to every topic and consumer group of this app (TOPIC_PREFIX). */
  readonly topicPrefix: string;
  /** Resolves once the relay and the consumers run (starting them first when the boot deferred them). */
  kafkaReady(): Promise<void>;
  readonly keys: CourierKeys;
}

const baseUrl = process.env.COURIER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/courier';

export const databaseUrl = (database: string): string => databaseUrlOn(baseUrl, database);

/**
 * Boots the real courier-tracking app on a fresh database (real PostgreSQL and broker); `env` adds variables.
 * `deferMessaging`: no consumer runs until `kafkaReady()` (specs that arrange rows a consumer reads at start).
 */
export async function startCourierTracking(
  env: Record<string, string> = {},
  options: { deferMessaging?: boolean } = {},
): Promise<CourierTestApp> {
  const suffix = randomBytes(4).toString('hex');
  const topicPrefix = env.TOPIC_PREFIX ?? `test-${suffix}.`;
  const keys: CourierKeys = {
    companyA: `a-${randomBytes(12).toString('hex')}`,
    companyB: `b-${randomBytes(12).toString('hex')}`,
    operator: `o-${randomBytes(12).toString('hex')}`,
  };
  const started = await startOnFreshDatabase({
    baseUrl,
    database: `courier_test_${suffix}`,
    databaseUrlVariable: 'COURIER_DATABASE_URL',
    appModule: () => import('../src/app.module').then((m) => m.AppModule),
    deferMessaging: options.deferMessaging,
    env: {
      LOG_LEVEL: 'silent',
      TOPIC_PREFIX: topicPrefix,
      API_KEYS: [
        `dispatcher-a:${keys.companyA}:company-a`,
        `dispatcher-b:${keys.companyB}:company-b`,
        `ops:${keys.operator}`,
      ].join(','),
      ...env,
    },
  });
  const kafkaReady = async () => {
    await started.startMessaging();
    await started.app.get(MessagingTransport).ready();
  };
  return { ...started, keys, topicPrefix, kafkaReady };
}

/**
 * Boots the app once for the enclosing `describe` (beforeAll) and closes it after (afterAll). The handle is usable
 * from the hooks and tests on, not while the suite is being declared. `kafka` also waits, in beforeAll, for the relay
 * and consumers; suites that must act before they start (a crash left rows behind) pass `deferMessaging` and call
 * `kafkaReady()` themselves, which starts them.
 */
export function useCourierTracking(options: { kafka?: boolean; deferMessaging?: boolean } = {}): CourierTestApp {
  let started: CourierTestApp | undefined;
  const current = (): CourierTestApp => {
    if (!started) throw new Error('the courier-tracking app is not started yet: use it inside a hook or a test');
    return started;
  };
  beforeAll(
    async () => {
      started = await startCourierTracking({}, { deferMessaging: options.deferMessaging });
      if (options.kafka) await started.kafkaReady();
    },
    options.kafka ? 90_000 : 60_000,
  );
  afterAll(async () => started?.close());
  return {
    get app() {
      return current().app;
    },
    get topicPrefix() {
      return current().topicPrefix;
    },
    get keys() {
      return current().keys;
    },
    get database() {
      return current().database;
    },
    get pool() {
      return current().pool;
    },
    kafkaReady: () => current().kafkaReady(),
    startMessaging: () => current().startMessaging(),
    http: () => current().http(),
    close: () => current().close(),
  };
}

/**
 * Polls until `accept` holds (read models are eventually consistent); fails with the last value after 15 s by
 * default.
 */
export const eventually = <T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> =>
  pollUntil(probe, accept, timeoutMs);

export const order = (overrides: Record<string, unknown> = {}) => ({
  number: `N-${randomBytes(4).toString('hex')}`,
  address: 'Tverskaya street 7, apt 12',
  lat: 55.757,
  lon: 37.615,
  time_interval: '11:00-12:00',
  customer_name: 'Anna Petrovna Smirnova',
  phone: '+79161234567',
  comments: 'door code 4412',
  ...overrides,
});
