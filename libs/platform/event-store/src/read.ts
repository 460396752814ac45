import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows';
import { bind, compileSql, statementName, type CompiledSql } from './sql-template';
import type { Queryable } from './queryable';
import type { UpcasterRegistry } from './upcasters';
import { START, type Checkpoint, type ReadAllOptions, type ReadAllPage, type ReadStreamOptions, type RecordedEvent } from './types';

type StreamParam = 'stream_id' | 'from' | 'to' | 'as_of' | 'limit';
type AllParam = 'xid' | 'pos' | 'limit' | 'stream_types' | 'event_types' | 'horizon';

interface AllRow extends EventRow {
  next_horizon: string;
  pending: boolean;
}

/**
 * Commit-safe order (architecture rule 3): a reader reads (transaction_id, global_position) order only below a
 * horizon H such that every transaction below H that could ever hold events of this store has ended. Appenders
 * take the store's advisory lock before their first write, so their id is assigned while they hold it: H is the
 * smallest id among the transactions holding this store's append locks, or the next id when none does. Other
 * open transactions (a projection's, a psql session's, another database's) no longer hold readers back, as the
 * server-wide snapshot xmin did. H is valid only for a statement that starts after the one that computed it
 * ended (one that ended in between is then visible), so each read uses the horizon of an earlier statement and
 * computes the next one. `pending` says committed rows exist at or above the horizon used.
 *
 * One window needs care: PostgreSQL makes a new transaction id visible as running (in the snapshot's running set)
 * a moment before it registers the id's lock, so an appender holding the store's lock may already have an id that
 * pg_locks does not show yet. Were the horizon then the snapshot's xmax, that id could lie below it, the reader
 * would settle its checkpoint past it, and the appender's events, committed later, would never be read (a chaos run
 * lost one event in 66,000 so, under SIGKILLs and a load of 15 on 2 cores). So while a granted holder shows no id,
 * the horizon is the snapshot's xmin instead: every id running when the snapshot was taken, the holder's included,
 * is at or above it, and an id given after it is above the xmax. Waiters are left out: they get their id only after
 * the lock is granted, hence after this snapshot. The cost is a horizon held back, for that moment, by whatever
 * else runs on the server.
 */
export function storeReadHorizon(schema: string): string {
  return `(
    SELECT (CASE WHEN bool_or(a.granted AND t.transactionid IS NULL) THEN min(n.oldest)
            ELSE COALESCE(min(n.next - (n.next - t.transactionid::text::bigint) % 4294967296), min(n.next)) END)::text
    FROM (SELECT pg_snapshot_xmax(c.s)::text::bigint AS next, pg_snapshot_xmin(c.s)::text::bigint AS oldest
          FROM (SELECT pg_current_snapshot() AS s) c) n
    LEFT JOIN pg_locks a ON a.locktype = 'advisory' AND a.objsubid = 2
      AND a.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND a.classid::text::bigint = (hashtext('${schema}')::bigint + 4294967296) % 4294967296
    LEFT JOIN pg_locks t ON t.locktype = 'transactionid' AND t.virtualtransaction = a.virtualtransaction
      AND t.mode = 'ExclusiveLock' AND t.granted -- its own id, not one it waits for
  )`;
}

export class Reads {
  private readonly streamSql: CompiledSql<StreamParam>;
  private readonly allSql: CompiledSql<AllParam>;
  private readonly horizonSql: CompiledSql<never>;

  constructor(schema: string, private readonly prepared: boolean, private readonly upcasters: UpcasterRegistry) {
    const S = `"${schema}"`;
    // Time travel: recorded_at is taken after the stream row is locked, so it grows with the version and
    // "recorded at or before T" is always a prefix of the stream.
    this.streamSql = compileSql(statementName(schema, 'read_stream'), `
      SELECT ${EVENT_COLUMNS} FROM ${S}.events
      WHERE stream_id = :stream_id::text AND stream_version >= :from::bigint AND stream_version <= :to::bigint
        AND (:as_of::timestamptz IS NULL OR recorded_at <= :as_of::timestamptz)
      ORDER BY stream_version
      LIMIT :limit::bigint`);
    const horizon = storeReadHorizon(schema);
    this.horizonSql = compileSql(statementName(schema, 'read_horizon'), `SELECT ${horizon} AS horizon`);
    // ORDER BY names the table's columns: the select list turns transaction_id into text, and text order is wrong
    // for ids of different lengths (and would not use the index).
    this.allSql = compileSql(statementName(schema, 'read_all'), `
      WITH h AS MATERIALIZED (
        SELECT ${horizon} AS next_horizon,
               (SELECT p.transaction_id FROM ${S}.events p WHERE p.transaction_id >= :horizon::xid8
                ORDER BY p.transaction_id LIMIT 1) IS NOT NULL AS pending
      )
      SELECT h.next_horizon, h.pending, e.*
      FROM h LEFT JOIN LATERAL (
        SELECT ${EVENT_COLUMNS} FROM ${S}.events ev
        WHERE (ev.transaction_id, ev.global_position) > (:xid::xid8, :pos::bigint)
          AND ev.transaction_id < :horizon::xid8
          AND (:stream_types::text[] IS NULL OR ev.stream_type = ANY (:stream_types::text[]))
          AND (:event_types::text[] IS NULL OR ev.type = ANY (:event_types::text[]))
        ORDER BY ev.transaction_id, ev.global_position
        LIMIT :limit::bigint
      ) e ON true`);
  }

  async readStream(q: Queryable, streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await q.query<EventRow>(bind(this.streamSql, {
      stream_id: streamId,
      from: options.fromVersion ?? 1,
      to: options.toVersion ?? Number.MAX_SAFE_INTEGER,
      as_of: options.asOf ?? null,
      limit: options.limit ?? Number.MAX_SAFE_INTEGER,
    }, this.prepared));
    return rows.rows.map((row) => this.upcast(toRecordedEvent(row)));
  }

  async readAll(q: Queryable, options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const after = options.after ?? START;
    const limit = options.limit ?? 1000;
    const horizon = options.horizon ?? await this.horizon(q);
    const result = await q.query<AllRow>(bind(this.allSql, {
      xid: after.transactionId,
      pos: after.globalPosition,
      limit,
      stream_types: options.streamTypes?.length ? options.streamTypes : null,
      event_types: options.eventTypes?.length ? options.eventTypes : null,
      horizon,
    }, this.prepared));
    const first = result.rows[0];
    const rows = result.rows.filter((row) => row.global_position !== null);
    const events = rows.map((row) => this.upcast(toRecordedEvent(row)));
    let checkpoint: Checkpoint = after;
    if (rows.length > 0) {
      const last = rows[rows.length - 1];
      checkpoint = { transactionId: last.transaction_id, globalPosition: last.global_position };
    }
    if (rows.length < limit) {
      // Every row below the horizon was returned, so the horizon itself is settled: (H, 0) sorts before any
      // event of transaction H and after every event below it. Skips filtered-out stretches for good.
      const settled: Checkpoint = { transactionId: horizon, globalPosition: '0' };
      if (compareCheckpoints(settled, checkpoint) > 0) checkpoint = settled;
    }
    return { events, checkpoint, pending: first.pending, horizon: first.next_horizon, horizonMoved: BigInt(first.next_horizon) > BigInt(horizon) };
  }

  /** The read horizon now (see the constructor); a read that starts after this resolves may use it. */
  async horizon(q: Queryable): Promise<string> {
    const { rows } = await q.query<{ horizon: string }>(bind(this.horizonSql, {}, this.prepared));
    return rows[0].horizon;
  }

  upcast(event: RecordedEvent): RecordedEvent {
    return this.upcasters.isEmpty ? event : this.upcasters.upcast(event);
  }
}

export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const x = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (x !== 0n) return x < 0n ? -1 : 1;
  const p = BigInt(a.globalPosition) - BigInt(b.globalPosition);
  return p === 0n ? 0 : p < 0n ? -1 : 1;
}
