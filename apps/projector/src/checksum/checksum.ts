import { TIMELINE_PROJECTION, type ProjectionChecksum, type ProjectionName } from '@orders/read-model-protocol';
import type { ReadModelDb } from '../storage/read-model-db';

/**
 * A deterministic checksum of a read model: rows in key order, each as text (jsonb prints its keys in a canonical
 * order). Only content counts, never physical order or when a row was written, so a rebuilt version and the live
 * one compare equal exactly when they hold the same data.
 */
export async function checksum(
  db: ReadModelDb, projection: ProjectionName, version?: number,
): Promise<ProjectionChecksum> {
  if (projection === TIMELINE_PROJECTION) {
    const { rows } = await db.pool.query<{ rows: number; checksum: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(concat_ws(E'\\t',
         event_id, order_id, tenant_id, type, schema_version, source, actor,
         to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
         correlation_id, causation_id, payload::text),
         E'\\n' ORDER BY event_id), '')) AS checksum
       FROM ${db.table('events')}`);
    return { projection, version: null, ...(rows[0] as { rows: number; checksum: string }) };
  }
  const chosen = version ?? (await db.activeVersion());
  const { rows } = await db.pool.query<{ rows: number; checksum: string }>(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(
       concat_ws(E'\\t', order_id, tenant_id, status, version, erased, state::text), E'\\n' ORDER BY order_id), ''))
       AS checksum
       FROM ${db.summaryTable(chosen)}`);
  return { projection, version: chosen, ...(rows[0] as { rows: number; checksum: string }) };
}
