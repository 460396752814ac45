import type { ReadModelDb } from '../storage/read-model-db';

/** Orders per combined status in the serving summary version. */
export async function statusCounts(db: ReadModelDb, tenantId?: string): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ status: string; count: number }>(
    `SELECT status, count(*)::int AS count FROM ${db.summaryTable(await db.activeVersion())}
      WHERE $1::text IS NULL OR tenant_id = $1 GROUP BY status ORDER BY status`, [tenantId ?? null]);
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}
