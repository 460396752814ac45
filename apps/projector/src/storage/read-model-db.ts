import { assertSchemaName, createPool, runSchemaMigrations } from '@orders/event-store';
import { Pool, type PoolClient } from 'pg';
import { SUMMARY_PROJECTION } from '@orders/read-model-protocol';
import { projectorMigration, summaryTable } from './migrations';

export const DEFAULT_READ_MODEL_SCHEMA = 'projector';

export interface ReadModelDbOptions {
  /** PostgreSQL URL of the read-model database (READMODELS_DATABASE_URL). */
  connection: string;
  schema?: string;
  /** Share a pool instead of opening one (left open on close). */
  pool?: Pool;
  poolSize?: number;
}

type Queryable = Pick<PoolClient, 'query'>;

/** The read-model database: its schema, migrations, and the pointer to the summary version that serves. */
export class ReadModelDb {
  readonly pool: Pool;
  readonly schema: string;
  private readonly ownsPool: boolean;

  private constructor(private readonly options: ReadModelDbOptions) {
    this.schema = options.schema ?? DEFAULT_READ_MODEL_SCHEMA;
    assertSchemaName(this.schema);
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? createPool(
      { connectionString: options.connection, max: options.poolSize ?? 10, application_name: 'projector' },
      (error) => console.warn(`projector: an idle database connection failed: ${error.message}`));
  }

  /** Opens the database and runs the migrations (TypeORM, serialised across processes; never synchronize). */
  static async create(options: ReadModelDbOptions): Promise<ReadModelDb> {
    const db = new ReadModelDb(options);
    await db.migrate();
    return db;
  }

  /** Opens without migrating: the ops CLI must never change a schema it only reads or rebuilds. */
  static open(options: ReadModelDbOptions): ReadModelDb {
    return new ReadModelDb(options);
  }

  migrate(): Promise<string[]> {
    return runSchemaMigrations({
      connection: this.options.connection, schema: this.schema, migrations: [projectorMigration(this.schema)],
      tableName: 'projector_migrations',
    });
  }

  table(name: string): string {
    return `"${this.schema}".${name}`;
  }

  summaryTable(version: number): string {
    return summaryTable(this.schema, version);
  }

  async activeVersion(client: Queryable = this.pool): Promise<number> {
    const { rows } = await client.query<{ active_version: number }>(
      `SELECT active_version FROM ${this.table('projections')} WHERE name = $1`, [SUMMARY_PROJECTION]);
    if (!rows[0]) {
      throw new Error(`no ${SUMMARY_PROJECTION} projection in schema ${this.schema} (has the projector run here?)`);
    }
    return rows[0].active_version;
  }

  /**
   * Live writers hold this lock shared for their whole transaction; a blue/green switch takes it exclusively, so
   * it sees every committed journal row and no writer is half-way through the old version. Advisory, so it
   * assigns no transaction id (the outbox append must stay the transaction's first write).
   */
  async lockSwitch(client: Queryable, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await client.query(`SELECT ${fn}(hashtext($1))`, [`projector-switch:${this.schema}`]);
  }

  /**
   * Serialises the transactions of each order (its three topics are consumed concurrently). Taken before the
   * transaction's first write, so of two transactions sharing an order the later one also gets the larger
   * transaction id: the state outbox's commit-safe order is then each order's order. A chunk locks many orders:
   * always in key order, so two chunks sharing orders cannot deadlock.
   */
  async lockOrders(client: Queryable, orderIds: readonly string[]): Promise<void> {
    await client.query(
      `SELECT count(pg_advisory_xact_lock(k))
         FROM (SELECT DISTINCT hashtext($1 || o) AS k FROM unnest($2::text[]) AS o ORDER BY k) AS keys`,
      [`projector-order:${this.schema}:`, orderIds]);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
