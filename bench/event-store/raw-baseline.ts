import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * The raw baselines: the same rows written and read with plain SQL into a bare copy of the events table (same
 * columns and indexes, no stream rows, no locks, no guards, no triggers), so a ratio shows what the store's
 * guarantees cost.
 */
export async function createRawTable(pool: Pool, schema: string): Promise<void> {
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".events (
    global_position bigserial PRIMARY KEY,
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL, stream_type text NOT NULL, stream_version bigint NOT NULL,
    event_id uuid NOT NULL UNIQUE, type text NOT NULL, schema_version integer NOT NULL DEFAULT 1,
    data jsonb NOT NULL, metadata jsonb NOT NULL DEFAULT '{}', occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(), hash bytea NOT NULL, prev_hash bytea,
    UNIQUE (stream_id, stream_version))`);
  await pool.query(`CREATE INDEX ON "${schema}".events (transaction_id, global_position)`);
}

export interface RawRow {
  streamId: string;
  version: number;
  data: unknown;
}

/** One multi-row INSERT of the given rows, in its own transaction (autocommit). */
export async function rawInsert(pool: Pool, schema: string, rows: readonly RawRow[]): Promise<void> {
  const values: unknown[] = [];
  const tuples = rows.map((row, i) => {
    const hash = createHash('sha256').update(JSON.stringify(row.data)).digest();
    values.push(row.streamId, row.version, randomUUID(), JSON.stringify(row.data), hash);
    const p = i * 5;
    return `($${p + 1}, 'bench', $${p + 2}, $${p + 3}, 'Counted', $${p + 4}::jsonb, now(), $${p + 5})`;
  });
  await pool.query(
    `INSERT INTO "${schema}".events (stream_id, stream_type, stream_version, event_id, type, data, occurred_at, hash) VALUES ${tuples.join(',')}`,
    values,
  );
}

/** Reads the whole table in pages of `limit` by keyset on the position. */
export async function rawReadAll(pool: Pool, schema: string, limit: number): Promise<number> {
  let after = '0';
  let total = 0;
  for (;;) {
    const { rows } = await pool.query<{ global_position: string }>(
      `SELECT global_position, transaction_id, stream_id, stream_version, event_id, type, schema_version, data, metadata,
              occurred_at, recorded_at FROM "${schema}".events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [after, limit],
    );
    if (rows.length === 0) return total;
    total += rows.length;
    after = rows[rows.length - 1].global_position;
  }
}
