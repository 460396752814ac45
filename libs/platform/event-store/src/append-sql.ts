import { compileSql, statementName, type CompiledSql } from './sql-template';

// One statement per append, in autocommit or inside a caller's transaction: lock/advance the stream row, insert
// every event in one multi-row INSERT, record the idempotency key. All or nothing, one round trip.
//
// Commit-safe ordering. Readers order the log by (transaction_id, global_position) and read only below the oldest
// running transaction, so a stream's versions must also be ordered by transaction id. Ids are assigned at a
// transaction's first write, hence:
//   1. `guard` refuses a transaction that already has an id (the caller gets AppendNotFirstWrite);
//   2. `lk` then takes a transaction-scoped advisory lock on the stream (no id needed for it, and scoped to the
//      transaction so it also holds behind transaction-pooling proxies): appenders of one stream queue there, and
//      each gets its id only at its first write, after the previous appender committed or rolled back;
//   3. the database checks the result anyway: the stream row keeps the id of its last appender and an append only
//      proceeds when its own id is larger (evaluated on the locked, latest row). Were the order ever about to
//      invert, the append fails with a ConcurrencyError instead and retries in a new transaction.
// Every write of the statement reads from `lk` (through `s`), so none can run before the lock is held.

export type ExpectedKind = 'version' | 'any' | 'no_stream';

export type AppendParam =
  | 'stream_id'
  | 'stream_type'
  | 'tenant'
  | 'count'
  | 'expected'
  | 'contents'
  | 'events'
  | 'notify'
  | 'key'
  | 'fingerprint';

/** A companion write's SQL (types.ts, CompanionWrite): CTEs reading `appended`, parameters `:w_<name>`. */
export interface CompanionSql {
  readonly name: string;
  readonly sql: string;
}

export function appendSql(
  schema: string,
  kind: ExpectedKind,
  withKey: boolean,
  companion?: CompanionSql,
): CompiledSql<AppendParam | `w_${string}`> {
  const S = `"${schema}"`;
  const notKnown = withKey ? 'AND NOT EXISTS (SELECT 1 FROM known)' : '';
  const firstHead = `${S}.chain_head(NULL, 0, :contents::bytea[])`;
  const proposed = `
    SELECT :stream_id::text, :stream_type::text, :tenant::text, :count::int, ${firstHead}, NULL::bytea, pg_current_xact_id()
    WHERE EXISTS (SELECT 1 FROM lk)`;
  const returning = 'RETURNING t.version - :count::int AS base_version, t.prev_head_hash, t.stream_type';
  const columns = 't (stream_id, stream_type, tenant, version, head_hash, prev_head_hash, last_transaction_id)';

  const stream = {
    version: `
  UPDATE ${S}.streams t SET
    version = t.version + :count::int,
    prev_head_hash = t.head_hash,
    head_hash = ${S}.chain_head(t.head_hash, t.version, :contents::bytea[]),
    last_transaction_id = pg_current_xact_id(),
    updated_at = clock_timestamp()
  WHERE t.stream_id = :stream_id::text AND t.version = :expected::bigint
    -- CASE fixes the order: the lock is held before pg_current_xact_id() can assign an id
    AND CASE WHEN EXISTS (SELECT 1 FROM lk) THEN t.last_transaction_id < pg_current_xact_id() ELSE false END
  ${returning}`,
    any: `
  INSERT INTO ${S}.streams AS ${columns} ${proposed}
  ON CONFLICT (stream_id) DO UPDATE SET
    version = t.version + :count::int,
    prev_head_hash = t.head_hash,
    head_hash = ${S}.chain_head(t.head_hash, t.version, :contents::bytea[]),
    last_transaction_id = excluded.last_transaction_id,
    updated_at = clock_timestamp()
  WHERE t.last_transaction_id < excluded.last_transaction_id
  ${returning}`,
    no_stream: `
  INSERT INTO ${S}.streams AS ${columns} ${proposed}
  ON CONFLICT (stream_id) DO NOTHING
  ${returning}`,
  }[kind];

  const text = `
WITH guard AS MATERIALIZED (SELECT pg_current_xact_id_if_assigned() IS NULL AS first_write),
${
  withKey
    ? `known AS MATERIALIZED (
  SELECT stream_id, request_fingerprint, first_version, last_version
  FROM ${S}.idempotency_keys WHERE idempotency_key = :key::text
),`
    : ''
}
lk AS MATERIALIZED (
  SELECT pg_advisory_xact_lock(hashtext('${schema}'), hashtext(:stream_id::text))
  FROM guard WHERE guard.first_write ${notKnown}
),
s AS (${stream}
),
e AS (
  INSERT INTO ${S}.events
    (stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata, occurred_at, hash, prev_hash)
  SELECT :stream_id::text, s.stream_type, s.base_version + x.ord, x.i, x.t, x.v, x.d, x.m, x.o, x.hash, x.prev_hash
  FROM s
  CROSS JOIN LATERAL ROWS FROM (
    json_to_recordset(:events::json) AS (i uuid, t text, v integer, o timestamptz, d jsonb, m jsonb),
    ${S}.chain_hashes(s.prev_head_hash, s.base_version, :contents::bytea[])
  ) WITH ORDINALITY AS x(i, t, v, o, d, m, hash, prev_hash, ord)
  RETURNING global_position, stream_version, recorded_at
)${
    companion
      ? `,
appended AS (SELECT :stream_id::text AS stream_id FROM s),
${companion.sql}`
      : ''
  }${
    withKey
      ? `,
k AS (
  INSERT INTO ${S}.idempotency_keys (idempotency_key, stream_id, request_fingerprint, first_version, last_version)
  SELECT :key::text, :stream_id::text, :fingerprint::text, s.base_version + 1, s.base_version + :count::int FROM s
  RETURNING 1
)`
      : ''
  }
SELECT g.first_write, s.base_version, s.stream_type, a.positions, a.recorded,
       pg_current_xact_id_if_assigned()::text AS transaction_id,
       CASE WHEN s.base_version IS NULL THEN (SELECT version FROM ${S}.streams WHERE stream_id = :stream_id::text) END AS seen_version,
       CASE WHEN s.base_version IS NOT NULL AND :notify::boolean THEN pg_notify('${schema}_events', '') END AS notified
       ${withKey ? ', kn.stream_id AS known_stream_id, kn.request_fingerprint AS known_fingerprint, kn.first_version AS known_first, kn.last_version AS known_last' : ''}
FROM guard g
LEFT JOIN s ON true
LEFT JOIN (
  SELECT array_agg(global_position ORDER BY stream_version) AS positions,
         array_agg(recorded_at ORDER BY stream_version) AS recorded
  FROM e
) a ON true
${withKey ? 'LEFT JOIN known kn ON true' : ''}`;

  const purpose = `append_${kind}${withKey ? '_key' : ''}${companion ? `_with_${companion.name}` : ''}`;
  return compileSql<AppendParam | `w_${string}`>(statementName(schema, purpose), text);
}

export interface AppendRow {
  first_write: boolean;
  base_version: string | null;
  stream_type: string | null;
  positions: string[] | null;
  recorded: Date[] | null;
  transaction_id: string | null;
  seen_version: string | null;
  known_stream_id?: string | null;
  known_fingerprint?: string | null;
  known_first?: string | null;
  known_last?: string | null;
}
