import { Client, type ClientConfig } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { initialSchemaMigration } from './001-initial-schema';

export const DEFAULT_SCHEMA = 'event_store';
const schemaPattern = /^[a-z_][a-z0-9_]{0,47}$/;

/** Schema names are spliced into SQL, so only plain lower-case identifiers are accepted. */
export function assertSchemaName(schema: string): void {
  if (!schemaPattern.test(schema)) {
    throw new Error(`schema name ${JSON.stringify(schema)} must match ${schemaPattern} (it is used unquoted in names)`);
  }
}

/** The store's TypeORM migrations for one schema, in order; add them to an app's own DataSource if it prefers. */
export function eventStoreMigrations(schema: string = DEFAULT_SCHEMA): Array<new () => MigrationInterface> {
  assertSchemaName(schema);
  return [initialSchemaMigration(schema)];
}

export const MIGRATIONS_TABLE = 'event_store_migrations';

/**
 * Creates the schema when missing and runs the pending migrations through a TypeORM DataSource (never
 * `synchronize`). Serialised across processes by a transaction-scoped advisory lock held open on a separate
 * connection while they run (transaction-scoped, so it also holds behind a transaction-pooling proxy), so several
 * instances starting together migrate once. Returns the names of the migrations that ran.
 */
export async function runEventStoreMigrations(connection: string | ClientConfig, schema: string = DEFAULT_SCHEMA): Promise<string[]> {
  assertSchemaName(schema);
  return runSchemaMigrations({ connection, schema, migrations: eventStoreMigrations(schema), tableName: MIGRATIONS_TABLE });
}

export interface SchemaMigrationsOptions {
  readonly connection: string | ClientConfig;
  /** Created when missing; TypeORM's migrations table lives in it too. */
  readonly schema: string;
  readonly migrations: Array<new () => MigrationInterface>;
  /** Each library keeps its own table, so several can share one schema without seeing each other's migrations. */
  readonly tableName: string;
}

/**
 * Runs one library's TypeORM migrations in one schema, serialised across processes (see runEventStoreMigrations).
 * Other platform libraries (inbox, personal data) reuse it so every schema in the system migrates the same way.
 */
export async function runSchemaMigrations(options: SchemaMigrationsOptions): Promise<string[]> {
  const { connection, schema, migrations, tableName } = options;
  assertSchemaName(schema);
  const config: ClientConfig = typeof connection === 'string' ? { connectionString: connection } : connection;
  const lock = new Client(config);
  await lock.connect();
  try {
    // Every start of every consumer and store passes here: when all are recorded already (the usual case), one
    // read answers it, without the lock and a TypeORM DataSource of its own (tens of ms per start).
    if (await allRecorded(lock, schema, tableName, migrations)) return [];
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch(ignoreConcurrentCreate);
    await lock.query('BEGIN');
    await lock.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`orders-migrations:${schema}:${tableName}`]);
    const source = new DataSource({
      type: 'postgres',
      ...(config.connectionString
        ? { url: config.connectionString }
        : { host: config.host, port: config.port, username: config.user, database: config.database,
            password: typeof config.password === 'string' ? config.password : undefined }),
      schema,
      synchronize: false,
      migrationsRun: false,
      migrationsTableName: tableName,
      migrations,
      extra: { max: 1 },
      logging: false,
    });
    await source.initialize();
    try {
      const ran = await source.runMigrations({ transaction: 'all' });
      return ran.map((migration) => migration.name);
    } finally {
      await source.destroy();
    }
  } finally {
    await lock.query('COMMIT').catch(() => undefined);
    await lock.end();
  }
}

/** Whether the migrations table lists every one of these migrations (false while it does not exist). */
async function allRecorded(
  client: Client, schema: string, tableName: string, migrations: Array<new () => MigrationInterface>,
): Promise<boolean> {
  if (!/^[a-z_][a-z0-9_]*$/.test(tableName)) return false;
  let recorded: Set<string>;
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM "${schema}"."${tableName}"`);
    recorded = new Set(rows.map((row) => row.name));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return false; // no table (or schema) yet: the migrations create it
    throw error;
  }
  // TypeORM records a migration under its `name`, else its class name
  return migrations.every((Migration) => {
    const migration = new Migration();
    return recorded.has(migration.name ?? Migration.name);
  });
}

// Two processes may race on CREATE SCHEMA IF NOT EXISTS (it is not atomic against itself): the loser sees 23505.
function ignoreConcurrentCreate(error: unknown): void {
  if ((error as { code?: string }).code !== '23505') throw error;
}
