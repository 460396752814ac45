// Starting on a migrated schema costs one read: no migration lock, no TypeORM DataSource. A consumer starting while
// another instance holds the migration lock (migrating something else in that schema, say) is not held back.
import { Client } from 'pg';
import { runMessagingMigrations } from '../src';
import { consumerDatabaseUrl, consumerSide, type ConsumerSide } from './support';

let side: ConsumerSide;

beforeAll(async () => {
  side = await consumerSide('migrations');
});

afterAll(async () => {
  await side?.drop();
});

it('migrates once, then finds every migration recorded without taking the migration lock', async () => {
  expect(await runMessagingMigrations(consumerDatabaseUrl(), side.schema)).toEqual(['MessagingInbox1767312000000']);
  const holder = new Client({ connectionString: consumerDatabaseUrl() });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`orders-migrations:${side.schema}:messaging_migrations`]);
    // resolves while the lock is held: waiting for it would time the test out
    expect(await runMessagingMigrations(consumerDatabaseUrl(), side.schema)).toEqual([]);
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
}, 20_000);
