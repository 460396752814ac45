import type { PoolClient } from 'pg';
import type { RebuildProgressRow } from '../metrics';
import { SUMMARY_PROJECTION, type RebuildProgress, type RebuildResult } from '@orders/read-model-protocol';
import { withTransaction } from '@orders/event-store';
import type { ReadModelDb } from '../storage/read-model-db';
import { foldInto, positionOf, readJournal, tailIsShort, type CommitPosition } from './fold-batch';

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Abandon a rebuild left running by a crash and start over instead of resuming it. */
  restart?: boolean;
  /** Tests: stop after this many committed batches, exactly as a crash would leave things. */
  stopAfterBatches?: number;
  /** Stop between batches (the service shutting down): left running, the next rebuild resumes it. */
  signal?: AbortSignal;
}

export class RebuildAlreadyRunning extends Error {
  readonly code = 'REBUILD_ALREADY_RUNNING';
  constructor(schema: string) {
    super(`another process is rebuilding ${SUMMARY_PROJECTION} in schema ${schema}`);
  }
}

interface RebuildRow {
  version: number;
  checkpoint_transaction: string;
  checkpoint_position: string;
  processed: string;
  total: string;
  started_at: Date;
}

const ETA_FLOOR_EVENTS = 1;

/** Where a rebuild stands, for its progress line. */
interface ProgressCounts {
  processed: number;
  total: number;
  processedAtStart: number;
  started: number;
  resumed: boolean;
}

interface RunningRow {
  projection: string;
  version: number;
  processed: string;
  total: string;
  started_at: Date;
  updated_at: Date;
}

/**
 * Blue/green rebuild of the order summary. The new version is folded from the journal into its own table while
 * the old one keeps serving (and keeps receiving live events); each batch commits with the checkpoint, so a crash
 * resumes where it stopped. The switch takes the live writers' lock exclusively, folds what arrived meanwhile and
 * repoints `projections` and the `order_summary` view in the same transaction. A rebuild only writes its own table
 * and its progress row: it never appends to the outbox, so nothing is published and no timer is touched.
 */
export class SummaryRebuilder {
  constructor(private readonly db: ReadModelDb) {}

  async rebuild(options: RebuildOptions = {}): Promise<RebuildResult> {
    const started = Date.now();
    // One rebuilder at a time, held by a session lock: a crashed process releases it with its connection.
    const guard = await this.db.pool.connect();
    try {
      const { rows } = await guard.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`projector-rebuild:${this.db.schema}`]);
      if (!rows[0]?.locked) throw new RebuildAlreadyRunning(this.db.schema);
      try {
        return await this.run(options, started);
      } finally {
        await guard.query('SELECT pg_advisory_unlock(hashtext($1))', [`projector-rebuild:${this.db.schema}`]);
      }
    } finally {
      guard.release();
    }
  }

  private async run(options: RebuildOptions, started: number): Promise<RebuildResult> {
    const batchSize = options.batchSize ?? 5000;
    const { row, resumed } = await this.begin(options.restart ?? false);
    const table = this.db.summaryTable(row.version);
    const previousVersion = await this.db.activeVersion();
    let checkpoint: CommitPosition = { transactionId: row.checkpoint_transaction, position: row.checkpoint_position };
    let processed = Number(row.processed);
    const total = Number(row.total);
    const processedAtStart = processed;
    const report = (phase: RebuildProgress['phase']) =>
      options.onProgress?.(this.progress(row.version, phase, { processed, total, processedAtStart, started, resumed }));
    report('building');

    let cut = await this.takeCut();
    for (let batches = 0; ; ) {
      const stopped = options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches;
      if (stopped || options.signal?.aborted) {
        return {
          projection: SUMMARY_PROJECTION, version: row.version, previousVersion, processed, resumed, interrupted: true,
          durationMs: Date.now() - started,
        };
      }
      const count = await withTransaction(this.db.pool, async (client) => {
        const rows = await readJournal(client, this.db.table('events'), checkpoint, batchSize, cut);
        if (rows.length === 0) return 0;
        await foldInto(client, table, rows);
        checkpoint = positionOf(rows[rows.length - 1] as (typeof rows)[number]);
        await this.saveCheckpoint(client, row.version, checkpoint, rows.length);
        return rows.length;
      });
      if (count > 0) {
        batches += 1;
        processed += count;
        report('building');
        continue;
      }
      // Caught up with the cut: switch when what live traffic added since is short, else take a newer cut.
      if (await tailIsShort(this.db.pool, this.db.table('events'), checkpoint, batchSize)) break;
      cut = await this.takeCut();
    }

    report('switching');
    processed += await this.switchOver(row.version, checkpoint, batchSize);
    report('done');
    return {
      projection: SUMMARY_PROJECTION, version: row.version, previousVersion, processed, resumed, interrupted: false,
      durationMs: Date.now() - started,
    };
  }

  /**
   * A transaction id below which the journal is final: taken while holding the live writers' lock exclusively (a
   * moment), when every journal writer has committed or not yet started, and every later one will get an id at
   * least the snapshot's xmax. Unlike the cluster-wide pg_snapshot_xmin horizon, an unrelated long transaction on
   * the server cannot hold it back.
   */
  private async takeCut(): Promise<string> {
    return withTransaction(this.db.pool, async (client) => {
      await this.db.lockSwitch(client, 'exclusive');
      const { rows } = await client.query<{ cut: string }>(
        'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS cut');
      return (rows[0] as { cut: string }).cut;
    });
  }

  /** Resumes the rebuild a crash left running, or creates the next version's empty table. */
  private async begin(restart: boolean): Promise<{ row: RebuildRow; resumed: boolean }> {
    return withTransaction(this.db.pool, async (client) => {
      const rebuilds = this.db.table('rebuilds');
      const running = await client.query<RebuildRow>(
        `SELECT version, checkpoint_transaction::text, checkpoint_position::text, processed::text, total::text,
                started_at
           FROM ${rebuilds} WHERE projection = $1 AND status = 'running' FOR UPDATE`, [SUMMARY_PROJECTION]);
      const left = running.rows[0];
      if (left && !restart) return { row: left, resumed: true };
      if (left) {
        await client.query(
          `UPDATE ${rebuilds} SET status = 'abandoned', finished_at = now() WHERE projection = $1 AND version = $2`,
          [SUMMARY_PROJECTION, left.version]);
        await client.query(`DROP TABLE IF EXISTS ${this.db.summaryTable(left.version)}`);
      }
      const active = await this.db.activeVersion(client);
      const { rows } = await client.query<{ version: number }>(
        `SELECT greatest($2::int, coalesce(max(version), 0)) + 1 AS version FROM ${rebuilds} WHERE projection = $1`,
        [SUMMARY_PROJECTION, active]);
      const version = (rows[0] as { version: number }).version;
      const table = this.db.summaryTable(version);
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(`CREATE TABLE ${table} (LIKE ${this.db.summaryTable(active)} INCLUDING ALL)`);
      const inserted = await client.query<RebuildRow>(
        `INSERT INTO ${rebuilds} (projection, version, status, total)
         VALUES ($1, $2, 'running', (SELECT count(*) FROM ${this.db.table('events')}))
         RETURNING version, checkpoint_transaction::text, checkpoint_position::text, processed::text, total::text,
           started_at`,
        [SUMMARY_PROJECTION, version]);
      return { row: inserted.rows[0] as RebuildRow, resumed: false };
    });
  }

  private async saveCheckpoint(
    client: PoolClient, version: number, checkpoint: CommitPosition, count: number,
  ): Promise<void> {
    await client.query(
      `UPDATE ${this.db.table('rebuilds')}
          SET checkpoint_transaction = $3::xid8, checkpoint_position = $4, processed = processed + $5,
         total = greatest(total, processed + $5), updated_at = now()
       WHERE projection = $1 AND version = $2 AND status = 'running'`,
      [SUMMARY_PROJECTION, version, checkpoint.transactionId, checkpoint.position, count]);
  }

  /**
   * With the live writers locked out, folds the tail they wrote meanwhile (no horizon needed: no journal writer
   * is open), then repoints the projection and its view, all in one transaction. Keeps the version it replaced
   * (a way back) and drops older ones.
   */
  private async switchOver(version: number, from: CommitPosition, batchSize: number): Promise<number> {
    return withTransaction(this.db.pool, async (client) => {
      await this.db.lockSwitch(client, 'exclusive');
      const table = this.db.summaryTable(version);
      let checkpoint = from;
      let folded = 0;
      for (;;) {
        const rows = await readJournal(client, this.db.table('events'), checkpoint, batchSize);
        if (rows.length === 0) break;
        await foldInto(client, table, rows);
        checkpoint = positionOf(rows[rows.length - 1] as (typeof rows)[number]);
        folded += rows.length;
      }
      if (folded > 0) await this.saveCheckpoint(client, version, checkpoint, folded);
      const previous = await this.db.activeVersion(client);
      await client.query(
        `UPDATE ${this.db.table('projections')} SET active_version = $2, switched_at = now() WHERE name = $1`,
        [SUMMARY_PROJECTION, version]);
      await client.query(`CREATE OR REPLACE VIEW ${this.db.table('order_summary')} AS SELECT * FROM ${table}`);
      await client.query(
        `UPDATE ${this.db.table('rebuilds')} SET status = 'done', finished_at = now(), updated_at = now()
          WHERE projection = $1 AND version = $2`,
        [SUMMARY_PROJECTION, version]);
      const stale = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = $1 AND table_name ~ '^order_summary_v[0-9]+$'
           AND substring(table_name from '[0-9]+$')::int NOT IN ($2, $3)`, [this.db.schema, version, previous]);
      for (const { table_name } of stale.rows) await client.query(`DROP TABLE "${this.db.schema}"."${table_name}"`);
      return folded;
    });
  }

  private progress(
    version: number, phase: RebuildProgress['phase'],
    { processed, total, processedAtStart, started, resumed }: ProgressCounts,
  ): RebuildProgress {
    const elapsedMs = Date.now() - started;
    const doneHere = processed - processedAtStart;
    const remaining = Math.max(0, total - processed);
    const etaSeconds =
      phase === 'done' ? 0 : doneHere >= ETA_FLOOR_EVENTS ? ((elapsedMs / doneHere) * remaining) / 1000 : null;
    return {
      projection: SUMMARY_PROJECTION, version, phase, processed, total: Math.max(total, processed),
      elapsedMs, etaSeconds, resumed,
    };
  }

  /** Running rebuilds with their progress (for /metrics and `ops rebuild` status). */
  async running(): Promise<RebuildProgressRow[]> {
    const { rows } = await this.db.pool.query<RunningRow>(
      `SELECT projection, version, processed::text, total::text, started_at, updated_at
         FROM ${this.db.table('rebuilds')} WHERE status = 'running'`);
    return rows.map((row) => {
      const processed = Number(row.processed);
      const total = Number(row.total);
      const elapsed = (row.updated_at.getTime() - row.started_at.getTime()) / 1000;
      const etaSeconds = processed > 0 ? (elapsed / processed) * Math.max(0, total - processed) : null;
      return { projection: row.projection, version: row.version, processed, total, etaSeconds };
    });
  }
}
