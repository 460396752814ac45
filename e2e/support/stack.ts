import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrlOn, onAdmin } from '@orders/service-kit/testing';
import { deleteKafkaLeftovers } from './kafka';
import { freePort } from './free-port';
import { ServiceProcess } from './service-process';

export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
export const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const READY_TIMEOUT_MS = 180_000;

/** Each service and the variable naming its database (TOPIC_PREFIX, the same for all, isolates the Kafka side). */
export const SERVICES = {
  intake: { databaseVariable: 'INTAKE_DATABASE_URL' },
  'courier-tracking': { databaseVariable: 'COURIER_DATABASE_URL' },
  'marketplace-cancellations': { databaseVariable: 'MARKETPLACE_DATABASE_URL' },
  projector: { databaseVariable: 'READMODELS_DATABASE_URL' },
} as const;

export type ServiceName = keyof typeof SERVICES;

/**
 * The four services as real processes, each on a fresh database of its own and all on topics and consumer groups
 * under one random prefix, so this run shares nothing with `npm start`, other specs or another run.
 */
export class Stack {
  readonly suffix = randomBytes(4).toString('hex');
  /** Prepended to every topic and consumer group of this run. */
  readonly prefix = `e2e-${this.suffix}.`;
  readonly apiKey = randomBytes(24).toString('hex');
  readonly brokers = BROKERS;
  readonly logDir = mkdtempSync(join(tmpdir(), `orders-e2e-${this.suffix}-`));
  private readonly services = new Map<ServiceName, ServiceProcess>();
  private readonly databases: string[] = [];
  /** More variables for one service, set before start (a Market simulator's URL and campaigns, say). */
  readonly serviceEnv: Partial<Record<ServiceName, Record<string, string>>> = {};

  /** `extraKeys`: more `principal:key[:tenants[:scopes]]` entries beside the run's key (a read-only operator, say). */
  constructor(private readonly extraKeys: readonly string[] = []) {}

  url(name: ServiceName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service.url;
  }

  async start(): Promise<void> {
    const names = Object.keys(SERVICES) as ServiceName[];
    for (const name of names) {
      const database = `${name.replace(/-/g, '_')}_e2e_${this.suffix}`;
      await onAdmin(ADMIN_URL, `CREATE DATABASE "${database}"`);
      this.databases.push(database);
      const { databaseVariable } = SERVICES[name];
      const env: NodeJS.ProcessEnv = {
        ...process.env, TOPIC_PREFIX: this.prefix, // every service's topics and groups (the kit's one naming scheme)
        [databaseVariable]: databaseUrlOn(ADMIN_URL, database),
        KAFKA_BROKERS: BROKERS, API_KEYS: [`e2e:${this.apiKey}`, ...this.extraKeys].join(','), LOG_LEVEL: 'warn', HOST: '127.0.0.1',
        // Market's notifications come from its own ranges in production; this run sends them from loopback.
        MARKET_NOTIFICATION_SOURCES: '127.0.0.1,::1',
        ...this.serviceEnv[name],
      };
      this.services.set(name, new ServiceProcess(name, await freePort(), env, join(this.logDir, `${name}.log`)));
    }
    await Promise.all([...this.services.values()].map((service) => service.healthy(READY_TIMEOUT_MS)));
  }

  /** Stops every child (also after a failure), then drops the databases and this run's topics and groups. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.services.values()].map((service) => service.stop()));
    for (const database of this.databases) await onAdmin(ADMIN_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await deleteKafkaLeftovers(BROKERS, this.prefix);
  }

  /** Each service's last log lines, for a failure message. */
  logs(): string {
    return [...this.services.values()].map((s) => `--- ${s.dir} (${s.logFile})\n${s.logTail(15)}`).join('\n');
  }
}
