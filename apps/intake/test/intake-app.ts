import { listeningUrl, startOnFreshDatabase, type ServiceTestApp } from '@orders/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { deleteTopicsWithPrefix } from '@orders/messaging/testing';

/** Keys of the test principals: one per company, an operator for every company, and a read-only one. */
export interface TestKeys {
  readonly companyA: string;
  readonly companyB: string;
  readonly operator: string;
  readonly readOnlyA: string;
}

export interface IntakeTestApp extends ServiceTestApp {
  /** Prepended to every topic this app uses. */
  readonly topicPrefix: string;
  readonly url: string;
  readonly keys: TestKeys;
}

const baseUrl = process.env.INTAKE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/intake';

/**
 * Boots the real intake app on a fresh database of its own (real PostgreSQL, real broker), listening on a free port.
 * `env` adds or overrides variables (licences, say) for this app only.
 */
export async function startIntake(env: Record<string, string> = {}): Promise<IntakeTestApp> {
  const suffix = randomBytes(4).toString('hex');
  const keys: TestKeys = {
    companyA: `a-${randomBytes(12).toString('hex')}`,
    companyB: `b-${randomBytes(12).toString('hex')}`,
    operator: `o-${randomBytes(12).toString('hex')}`,
    readOnlyA: `r-${randomBytes(12).toString('hex')}`,
  };
  const topicPrefix = env.TOPIC_PREFIX ?? `test-${suffix}.`;
  const started = await startOnFreshDatabase({
    baseUrl,
    database: `intake_test_${suffix}`,
    databaseUrlVariable: 'INTAKE_DATABASE_URL',
    appModule: () => import('../src/app.module').then((m) => m.AppModule),
    env: {
      LOG_LEVEL: 'silent',
      // Topics and the consumer group of this app alone: test files never see each other's messages.
      TOPIC_PREFIX: `test-${suffix}.`,
      API_KEYS: [
        `desk-a:${keys.companyA}:company-a`,
        `desk-b:${keys.companyB}:company-b`,
        `ops:${keys.operator}`,
        `viewer-a:${keys.readOnlyA}:company-a:read`,
      ].join(','),
      ...env,
    },
    listen: true,
    afterClose: () => deleteTopicsWithPrefix((process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','), topicPrefix),
  });
  return { ...started, keys, topicPrefix, url: listeningUrl(started.app) };
}

export { eventually } from '@orders/service-kit/testing';

let counter = 0;

export type SubmissionBody = Record<string, unknown> & { source: string; externalId: string };

/** A valid submission with a fresh external id; override any field. */
export function submission(overrides: Record<string, unknown> = {}): SubmissionBody {
  counter += 1;
  return {
    source: 'site',
    externalId: `ext-${randomBytes(4).toString('hex')}-${counter}`,
    submittedAt: '2026-11-23T10:00:00Z',
    customer: { name: 'Ivan Ivanovich Ivanov', phone: '+77776665544' },
    address: 'Pushkin street 2, apt 5',
    comment: 'Two persons, call at the door',
    requestedTime: '2026-11-23T12:30:00+03:00',
    serviceType: 'courier',
    items: [
      { sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 },
      { name: 'Bread', quantity: 1, priceMinor: 3800 },
    ],
    amountMinor: 38600,
    currency: 'RUB',
    ...overrides,
  };
}
