import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { Client, Pool } from 'pg';
import type { KafkaOptions, MessagingLogger } from '../src';

// Shared fixtures of the messaging integration specs: unique names, a consumer-side database, condition waits.

export const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/** What the library logged during a spec (kept out of the test output; read it when a spec fails). */
export const logged: string[] = [];
const quietLogger: MessagingLogger = {
  info: () => undefined,
  warn: (message) => {
    logged.push(message);
  },
  error: (message) => {
    logged.push(message);
  },
};

export function kafkaOptions(overrides: Partial<KafkaOptions> = {}): KafkaOptions {
  return { brokers, clientId: 'msg-it', logLevel: 'nothing', logger: quietLogger, ...overrides };
}

export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Another service's database: the consumer side never shares the producer's database. */
export const CONSUMER_DATABASE = 'orders_test_consumer';

function serverUrl(database: string): string {
  const url = new URL(
    process.env.POSTGRES_ADMIN_URL ??
      `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? 5432}/postgres`,
  );
  url.pathname = `/${database}`;
  return url.toString();
}

export const consumerDatabaseUrl = (): string => serverUrl(CONSUMER_DATABASE);

async function ensureDatabase(database: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE ${database}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error; // a parallel worker made it
      });
    }
  } finally {
    await admin.end();
  }
}

/** A pool on the consumer database with an own schema holding an `effects` table (one row per applied message). */
export interface ConsumerSide {
  pool: Pool;
  schema: string;
  effects(): Promise<Array<{ message_id: string; key: string; seq: number; applied: number }>>;
  drop(): Promise<void>;
}

export async function consumerSide(prefix: string): Promise<ConsumerSide> {
  await ensureDatabase(CONSUMER_DATABASE);
  const schema = unique(prefix);
  const pool = new Pool({ connectionString: consumerDatabaseUrl(), max: 8 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  // `applied` counts applications of one message: exactly-once means it stays 1
  await pool.query(`CREATE TABLE "${schema}".effects (message_id text PRIMARY KEY, key text, seq int, applied int NOT NULL DEFAULT 1,
                    at bigserial)`);
  return {
    pool,
    schema,
    effects: async () =>
      (await pool.query(`SELECT message_id, key, seq, applied FROM "${schema}".effects ORDER BY at`)).rows,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** The effect a test handler applies: a second application of the same message bumps `applied` instead of failing. */
export function applyEffectSql(schema: string): string {
  return `INSERT INTO "${schema}".effects (message_id, key, seq) VALUES ($1, $2, $3)
          ON CONFLICT (message_id) DO UPDATE SET applied = "${schema}".effects.applied + 1`;
}

/**
 * A kafkajs producer standing in for an upstream system. Idempotent: a plain one retries its first send to a topic
 * created a moment before and can write a message twice, which specs counting exact sequences took for our bug.
 * Specs that test duplicates send them on purpose.
 */
export async function upstream(): Promise<{
  send(topic: string, messages: Message[]): Promise<void>;
  close(): Promise<void>;
}> {
  const producer = new Kafka({ clientId: 'msg-it-upstream', brokers: [brokers], logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return {
    send: async (topic, messages) => {
      await producer.send({ topic, acks: -1, messages });
    },
    close: () => producer.disconnect(),
  };
}

export type Upstream = Awaited<ReturnType<typeof upstream>>;

/** A spec file's upstream producer and the consumers it starts (push them to `running`): all closed after the file. */
export function useUpstreamAndConsumers(): {
  readonly source: Upstream;
  readonly running: { stop(): Promise<void> }[];
} {
  const running: { stop(): Promise<void> }[] = [];
  let source: Upstream | undefined;
  beforeAll(async () => {
    source = await upstream();
  });
  afterAll(async () => {
    await Promise.all(running.map((consumer) => consumer.stop()));
    await source?.close();
  });
  return {
    running,
    get source(): Upstream {
      if (!source) throw new Error('the upstream producer is made in beforeAll: use it inside a test');
      return source;
    },
  };
}

/** Re-checks a condition until it holds (never a fixed sleep standing in for synchronisation). */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
