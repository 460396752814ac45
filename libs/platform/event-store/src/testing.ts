import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EventStore, type EventStoreOptions } from './event-store';

// Fixtures for integration tests: a fresh random schema in the `orders_test` database, dropped afterwards.

export const TEST_DATABASE = 'orders_test';

function adminUrl(): string {
  if (process.env.POSTGRES_ADMIN_URL) return process.env.POSTGRES_ADMIN_URL;
  const user = process.env.PGUSER ?? 'postgres';
  const password = process.env.PGPASSWORD;
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  return `postgres://${auth}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? 5432}/postgres`;
}

/** The connection string of the test database (EVENT_STORE_TEST_URL overrides it). */
export function testDatabaseUrl(): string {
  if (process.env.EVENT_STORE_TEST_URL) return process.env.EVENT_STORE_TEST_URL;
  const url = new URL(adminUrl());
  url.pathname = `/${TEST_DATABASE}`;
  return url.toString();
}

/** Creates the test database when missing (tolerating a parallel creator). */
export async function ensureTestDatabase(): Promise<void> {
  if (process.env.EVENT_STORE_TEST_URL) return;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEST_DATABASE]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE ${TEST_DATABASE}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error; // created meanwhile
      });
    }
  } finally {
    await admin.end();
  }
}

export interface TestEventStore {
  store: EventStore;
  schema: string;
  connectionString: string;
  /** Closes the store and drops its schema. */
  drop(): Promise<void>;
}

/** A migrated store in its own random schema (`es_<prefix>_<hex>`). */
export async function createTestEventStore(
  options: Omit<EventStoreOptions, 'connection' | 'pool' | 'schema'> & { prefix?: string; poolSize?: number } = {},
): Promise<TestEventStore> {
  await ensureTestDatabase();
  const { prefix = 't', poolSize = 10, ...rest } = options;
  const schema = `es_${prefix.replace(/[^a-z0-9_]/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const connectionString = testDatabaseUrl();
  const store = await EventStore.create({ ...rest, schema, connection: { connectionString, max: poolSize } });
  return {
    store,
    schema,
    connectionString,
    drop: async () => {
      await store.close();
      await dropSchema(connectionString, schema);
    },
  };
}

export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
