import type { ClientBase, Pool, PoolClient } from 'pg';

export interface TransactionOptions<C extends ClientBase = PoolClient> {
  /** Joins this open transaction instead of starting one (a consumer's inbox transaction, say). */
  readonly within?: C;
  /** The statement that opens it, e.g. 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'. Default 'BEGIN'. */
  readonly begin?: string;
}

/**
 * Runs `work` in one transaction on a pooled client: committed when it resolves, rolled back when it throws, the
 * client always released. Every service and platform library opens its transactions here, so there is one place
 * that gets rollback-on-error and release right. Mind the store's rule: `appendWithin` must be the first write.
 */
export async function withTransaction<T, C extends ClientBase = PoolClient>(
  pool: Pool, work: (client: C) => Promise<T>, options: TransactionOptions<C> = {},
): Promise<T> {
  if (options.within) return work(options.within);
  const client = await pool.connect();
  try {
    await client.query(options.begin ?? 'BEGIN');
    // A pooled client is a ClientBase; C only widens what a joined transaction may be (a plain pg Client, say).
    const result = await work(client as unknown as C);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
