import type { Pool } from 'pg';

/**
 * The floor a rebuild is measured against: read the same journal in the same batch size (keyset by position) and
 * insert every event into a bare table in one statement per batch. No fold, no per-order state, no checkpoint.
 */
export async function rawCopy(pool: Pool, schema: string, batchSize: number): Promise<number> {
  await pool.query(`DROP TABLE IF EXISTS "${schema}".bare_copy`);
  await pool.query(
    `CREATE TABLE "${schema}".bare_copy (order_id text NOT NULL, type text NOT NULL, payload jsonb NOT NULL)`,
  );
  let after = '0';
  let copied = 0;
  for (;;) {
    const { rows } = await pool.query<{ position: string; order_id: string; type: string; payload: unknown }>(
      `SELECT position::text AS position, order_id, type, payload FROM "${schema}".events WHERE position > $1::bigint ORDER BY position LIMIT $2`,
      [after, batchSize],
    );
    if (rows.length === 0) return copied;
    await pool.query(
      `INSERT INTO "${schema}".bare_copy (order_id, type, payload) SELECT order_id, type, payload FROM json_to_recordset($1::json) AS r(order_id text, type text, payload jsonb)`,
      [JSON.stringify(rows.map((r) => ({ order_id: r.order_id, type: r.type, payload: r.payload })))],
    );
    copied += rows.length;
    after = (rows[rows.length - 1] as { position: string }).position;
  }
}
