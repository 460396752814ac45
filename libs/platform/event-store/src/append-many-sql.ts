import type { AppendRow, CompanionSql } from './append-sql';
import { compileSql, statementName, type CompiledSql } from './sql-template';

// Appends to many streams in one statement (one round trip, one multi-row INSERT of every event), each stream with
// its own optimistic check: a stream whose version moved is left out (a per-stream conflict), the others append.
// The commit-order rules of append-sql.ts hold per stream: the statement must be its transaction's first write,
// takes every stream's advisory lock (in stream id order, so two batches over overlapping streams cannot deadlock)
// before the transaction gets its id, and appends to a stream only when its last appender's id is smaller.
//
// A companion write (types.ts, CompanionWrite) reads `appended`: one row (stream_id) per stream of the batch that
// appended, none for those that conflicted, so its rows commit with exactly the streams that moved.
//
// :streams is a JSON array of { n, stream_id, stream_type, tenant, kind ('version' | 'no_stream'), expected, count,
// first (the 1-based index of the stream's first content hash in :contents), events (as append-sql.ts) }.

export type AppendManyParam = 'streams' | 'contents' | 'notify';

export function appendManySql(schema: string, companion?: CompanionSql): CompiledSql<AppendManyParam | `w_${string}`> {
  const S = `"${schema}"`;
  const contents = '(:contents::bytea[])[r.first : r.first + r.count - 1]';
  const text = `
WITH guard AS MATERIALIZED (SELECT pg_current_xact_id_if_assigned() IS NULL AS first_write),
r AS MATERIALIZED (
  SELECT * FROM json_to_recordset(:streams::json) AS r(n int, stream_id text, stream_type text, tenant text, kind text,
    expected bigint, count int, first int, events json)
),
lk AS MATERIALIZED (
  -- OFFSET 0 keeps the sorted subquery a barrier: the locks are taken in stream id order
  SELECT count(pg_advisory_xact_lock(hashtext('${schema}'), hashtext(o.stream_id))) AS locked
  FROM (SELECT stream_id FROM r, guard WHERE guard.first_write ORDER BY stream_id OFFSET 0) o
),
sv AS (
  UPDATE ${S}.streams t SET
    version = t.version + r.count,
    prev_head_hash = t.head_hash,
    head_hash = ${S}.chain_head(t.head_hash, t.version, ${contents}),
    last_transaction_id = pg_current_xact_id(),
    updated_at = clock_timestamp()
  FROM r
  WHERE r.kind = 'version' AND t.stream_id = r.stream_id AND t.version = r.expected
    -- CASE fixes the order: the locks are held before pg_current_xact_id() can assign an id
    AND CASE WHEN (SELECT locked FROM lk) > 0 THEN t.last_transaction_id < pg_current_xact_id() ELSE false END
  RETURNING r.n, t.stream_id, t.version - r.count AS base_version, t.prev_head_hash, t.stream_type
),
sn AS (
  INSERT INTO ${S}.streams AS t
    (stream_id, stream_type, tenant, version, head_hash, prev_head_hash, last_transaction_id)
  SELECT r.stream_id, r.stream_type, r.tenant, r.count, ${S}.chain_head(NULL, 0, ${contents}), NULL::bytea,
         pg_current_xact_id()
  FROM r WHERE r.kind = 'no_stream' AND (SELECT locked FROM lk) > 0
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING t.stream_id, 0::bigint AS base_version, t.prev_head_hash, t.stream_type
),
s AS (
  SELECT n, stream_id, base_version, prev_head_hash, stream_type FROM sv
  UNION ALL
  SELECT r.n, sn.stream_id, sn.base_version, sn.prev_head_hash, sn.stream_type FROM sn JOIN r USING (stream_id)
),
e AS (
  INSERT INTO ${S}.events
    (stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata, occurred_at,
     hash, prev_hash)
  SELECT s.stream_id, s.stream_type, s.base_version + x.ord, x.i, x.t, x.v, x.d, x.m, x.o, x.hash, x.prev_hash
  FROM s JOIN r ON r.n = s.n
  CROSS JOIN LATERAL ROWS FROM (
    json_to_recordset(r.events) AS (i uuid, t text, v integer, o timestamptz, d jsonb, m jsonb),
    ${S}.chain_hashes(s.prev_head_hash, s.base_version, ${contents})
  ) WITH ORDINALITY AS x(i, t, v, o, d, m, hash, prev_hash, ord)
  RETURNING stream_id, global_position, stream_version, recorded_at
)${
    companion
      ? `,
appended AS (SELECT stream_id FROM s),
${companion.sql}`
      : ''
  }
SELECT r.n, g.first_write, s.base_version, s.stream_type, a.positions, a.recorded,
       pg_current_xact_id_if_assigned()::text AS transaction_id,
       CASE WHEN s.base_version IS NULL
         THEN (SELECT version FROM ${S}.streams WHERE stream_id = r.stream_id) END AS seen_version,
       CASE WHEN :notify::boolean AND EXISTS (SELECT 1 FROM s) THEN pg_notify('${schema}_events', '') END AS notified
FROM r
CROSS JOIN guard g
LEFT JOIN s ON s.n = r.n
LEFT JOIN (
  SELECT stream_id, array_agg(global_position ORDER BY stream_version) AS positions,
         array_agg(recorded_at ORDER BY stream_version) AS recorded
  FROM e GROUP BY stream_id
) a ON a.stream_id = r.stream_id
ORDER BY r.n`;
  const purpose = `append_many${companion ? `_with_${companion.name}` : ''}`;
  return compileSql<AppendManyParam | `w_${string}`>(statementName(schema, purpose), text);
}

/** One stream's row of a batch: the single append's row (without idempotency keys) and its place `n` in the batch. */
export interface AppendManyRow extends Omit<AppendRow, `known_${string}`> {
  n: number;
}
