import type { Pool } from 'pg';

const DEFAULT_BATCH_SIZE = 5000;

export interface PruneBoardChangesOptions {
  pool: Pool;
  retentionMs: number;
  /** Changes per DELETE, each its own short transaction (default 5000). */
  batchSize?: number;
  /** Checked between statements: a stopping service does not wait for a long backlog. */
  signal?: AbortSignal;
}

/**
 * Deletes the board's change feed older than the retention, oldest first, and moves the horizon (the highest number
 * pruned) in the same transaction. What goes is always a prefix of the numbers: a batch reads the oldest changes in
 * number order and stops at the first one still young, so every change after the horizon is kept, and a stream
 * resuming after the horizon misses nothing. The age is the database's clock (`recorded_at` was written with it).
 * Returns how many changes went.
 */
export async function pruneBoardChanges(options: PruneBoardChangesOptions): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(options.retentionMs > 0) || !(batchSize >= 1))
    throw new Error('pruneBoardChanges: retentionMs > 0 and batchSize >= 1');
  let total = 0;
  while (!options.signal?.aborted) {
    // The last of the oldest `batchSize` changes that is older than the cut, with none younger before it.
    const { rows } = await options.pool.query<{ through: string | null }>(
      `SELECT max(seq)::text AS through FROM (
         SELECT seq, bool_and(recorded_at < now() - make_interval(secs => $1::double precision / 1000))
                  OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS old_so_far
           FROM (SELECT seq, recorded_at FROM intake_board_changes ORDER BY seq LIMIT $2) oldest
       ) numbered WHERE old_so_far`,
      [options.retentionMs, batchSize],
    );
    const through = rows[0]?.through;
    if (!through) break;
    const client = await options.pool.connect();
    let deleted = 0;
    try {
      await client.query('BEGIN');
      deleted = (await client.query('DELETE FROM intake_board_changes WHERE seq <= $1', [through])).rowCount ?? 0;
      await client.query('UPDATE intake_board_changes_horizon SET pruned_through = greatest(pruned_through, $1)', [
        through,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    total += deleted;
    if (deleted < batchSize) break;
  }
  return total;
}
