import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows';
import { bind, compileSql, statementName, type CompiledSql } from './sql-template';
import type { Queryable } from './queryable';
import type { Reads } from './read';
import type { RecordedEvent } from './types';

/** What a stream folds with: the evolve half of a decider. */
export interface Fold<E, S> {
  evolve(state: S, event: E): S;
  readonly initialState: S;
}

/**
 * Snapshots for one stream type: written every `every` events, keyed by `version`. Bump the version whenever
 * evolve or the state's shape changes; snapshots of other versions are then ignored (and replaced).
 */
export interface SnapshotPolicy<S> {
  every: number;
  version: string | number;
  /** State to JSON (default: the state itself, which must then be JSON-safe). */
  toSnapshot?(state: S): unknown;
  /** JSON back to state (default: as stored). */
  fromSnapshot?(stored: unknown): S;
}

export interface LoadOptions<E, S> {
  snapshot?: SnapshotPolicy<S>;
  /** Stored event to the decider's event (default `{ type, data, metadata }`). */
  toDomainEvent?(event: RecordedEvent): E;
  /** Time travel: the state as of this instant (snapshots are not used). */
  asOf?: Date;
  /** A state already folded up to a version (a cache): only later events are read, or a newer snapshot. */
  from?: { version: number; state: S };
  /** Reads through this client (a caller's open transaction, which the read leaves without a write) instead of the pool. */
  within?: Queryable;
}

export interface LoadedStream<S> {
  streamId: string;
  state: S;
  /** 0 when the stream has no events (yet, or as of the time asked). */
  version: number;
  /** The snapshot's stream version when one was used. */
  snapshotVersion?: number;
  /** Events folded after the snapshot (or from the start). */
  eventsFolded: number;
}

type LoadParam = 'stream_id' | 'snapshot_version' | 'as_of' | 'known_version';
type LoadManyParam = 'stream_ids' | 'known_versions' | 'snapshot_version';
type SnapshotParam = 'stream_id' | 'snapshot_version' | 'stream_version' | 'state';

interface LoadRow extends EventRow {
  part: number;
}

export const defaultToDomainEvent = <E>(event: RecordedEvent): E => ({ type: event.type, data: event.data, metadata: event.metadata }) as E;

export class Aggregates {
  private readonly loadSql: CompiledSql<LoadParam>;
  private readonly snapshotSql: CompiledSql<SnapshotParam>;
  private readonly loadManySql: CompiledSql<LoadManyParam>;

  constructor(schema: string, private readonly prepared: boolean, private readonly reads: Reads) {
    const S = `"${schema}"`;
    // Snapshot and tail in one round trip and one database snapshot: the tail starts right after the snapshot,
    // or after the version the caller already holds when that is newer.
    this.loadSql = compileSql(statementName(schema, 'load'), `
      WITH snap AS MATERIALIZED (
        SELECT stream_version, state FROM ${S}.snapshots
        WHERE stream_id = :stream_id::text AND snapshot_version = :snapshot_version::text
          AND stream_version > :known_version::bigint
      )
      SELECT 0 AS part, NULL::bigint AS global_position, NULL::text AS transaction_id, NULL::text AS stream_id,
             NULL::text AS stream_type, stream_version, NULL::uuid AS event_id, NULL::text AS type,
             NULL::integer AS schema_version, state AS data, NULL::jsonb AS metadata,
             NULL::timestamptz AS occurred_at, NULL::timestamptz AS recorded_at
      FROM snap
      UNION ALL
      (SELECT 1 AS part, ${EVENT_COLUMNS} FROM ${S}.events
       WHERE stream_id = :stream_id::text
         AND stream_version > greatest((SELECT stream_version FROM snap), :known_version::bigint)
         AND (:as_of::timestamptz IS NULL OR recorded_at <= :as_of::timestamptz)
       ORDER BY stream_version)`);
    // The same for many streams in one round trip (a batch of commands): rows grouped by stream, in version order.
    this.loadManySql = compileSql(statementName(schema, 'load_many'), `
      WITH r AS MATERIALIZED (
        SELECT * FROM unnest(:stream_ids::text[], :known_versions::bigint[]) AS r(stream_id, known_version)
      ),
      snap AS MATERIALIZED (
        SELECT s.stream_id, s.stream_version, s.state FROM ${S}.snapshots s JOIN r ON r.stream_id = s.stream_id
        WHERE s.snapshot_version = :snapshot_version::text AND s.stream_version > r.known_version
      )
      SELECT 0 AS part, NULL::bigint AS global_position, NULL::text AS transaction_id, stream_id,
             NULL::text AS stream_type, stream_version, NULL::uuid AS event_id, NULL::text AS type,
             NULL::integer AS schema_version, state AS data, NULL::jsonb AS metadata,
             NULL::timestamptz AS occurred_at, NULL::timestamptz AS recorded_at
      FROM snap
      UNION ALL
      SELECT 1 AS part, x.* FROM r CROSS JOIN LATERAL (
        SELECT ${EVENT_COLUMNS} FROM ${S}.events
        WHERE stream_id = r.stream_id AND stream_version > greatest(
          (SELECT sn.stream_version FROM snap sn WHERE sn.stream_id = r.stream_id), r.known_version)
      ) x
      ORDER BY stream_id, part, stream_version`);
    // Keeps the newest snapshot of the current version and drops those of older versions.
    this.snapshotSql = compileSql(statementName(schema, 'snapshot'), `
      WITH dropped AS (
        DELETE FROM ${S}.snapshots WHERE stream_id = :stream_id::text AND snapshot_version <> :snapshot_version::text
      )
      INSERT INTO ${S}.snapshots (stream_id, snapshot_version, stream_version, state)
      VALUES (:stream_id::text, :snapshot_version::text, :stream_version::bigint, :state::jsonb)
      ON CONFLICT (stream_id, snapshot_version) DO UPDATE
        SET stream_version = excluded.stream_version, state = excluded.state, created_at = clock_timestamp()
        WHERE ${S}.snapshots.stream_version < excluded.stream_version`);
  }

  async load<E, S>(q: Queryable, streamId: string, fold: Fold<E, S>, options: LoadOptions<E, S> = {}): Promise<LoadedStream<S>> {
    const policy = options.asOf === undefined ? options.snapshot : undefined;
    const from = options.asOf === undefined ? options.from : undefined;
    const { rows } = await q.query<LoadRow>(bind(this.loadSql, {
      stream_id: streamId,
      snapshot_version: policy ? String(policy.version) : null,
      as_of: options.asOf ?? null,
      known_version: from?.version ?? 0,
    }, this.prepared));
    const toDomain = options.toDomainEvent ?? defaultToDomainEvent<E>;
    let state = from?.state ?? fold.initialState;
    let version = from?.version ?? 0;
    let snapshotVersion: number | undefined;
    let folded = 0;
    for (const row of rows) {
      if (row.part === 0 && policy) {
        snapshotVersion = version = Number(row.stream_version);
        state = policy.fromSnapshot ? policy.fromSnapshot(row.data) : (row.data as S);
      }
    }
    for (const row of rows) {
      if (row.part !== 1) continue;
      const event = this.reads.upcast(toRecordedEvent(row));
      state = fold.evolve(state, toDomain(event));
      version = event.streamVersion;
      folded += 1;
    }
    return { streamId, state, version, snapshotVersion, eventsFolded: folded };
  }

  /** load for many streams at once (no time travel); one entry per distinct stream id. */
  async loadMany<E, S>(
    q: Queryable, streams: readonly { streamId: string; from?: { version: number; state: S } }[], fold: Fold<E, S>,
    options: Pick<LoadOptions<E, S>, 'snapshot' | 'toDomainEvent'> = {},
  ): Promise<Map<string, LoadedStream<S>>> {
    const policy = options.snapshot;
    const loaded = new Map<string, LoadedStream<S>>();
    for (const { streamId, from } of streams) {
      if (loaded.has(streamId)) continue;
      const state = from?.state ?? fold.initialState;
      loaded.set(streamId, { streamId, state, version: from?.version ?? 0, eventsFolded: 0 });
    }
    const ids = [...loaded.keys()];
    const { rows } = await q.query<LoadRow>(bind(this.loadManySql, {
      stream_ids: ids, known_versions: ids.map((id) => loaded.get(id)?.version ?? 0),
      snapshot_version: policy ? String(policy.version) : null,
    }, this.prepared));
    const toDomain = options.toDomainEvent ?? defaultToDomainEvent<E>;
    for (const row of rows) {
      const stream = loaded.get(row.stream_id) as LoadedStream<S>;
      if (row.part === 0) {
        if (!policy) continue;
        stream.snapshotVersion = stream.version = Number(row.stream_version);
        stream.state = policy.fromSnapshot ? policy.fromSnapshot(row.data) : (row.data as S);
        continue;
      }
      const event = this.reads.upcast(toRecordedEvent(row));
      stream.state = fold.evolve(stream.state, toDomain(event));
      stream.version = event.streamVersion;
      stream.eventsFolded += 1;
    }
    return loaded;
  }

  async writeSnapshot<S>(q: Queryable, streamId: string, policy: SnapshotPolicy<S>, state: S, streamVersion: number): Promise<void> {
    const stored = policy.toSnapshot ? policy.toSnapshot(state) : state;
    await q.query(bind(this.snapshotSql, {
      stream_id: streamId, snapshot_version: String(policy.version), stream_version: streamVersion, state: JSON.stringify(stored),
    }, this.prepared));
  }
}

/** True when an append moving the stream from one version to another crosses a multiple of the interval. */
export function snapshotDue(policy: SnapshotPolicy<unknown>, from: number, to: number): boolean {
  return policy.every >= 1 && Math.floor(to / policy.every) > Math.floor(from / policy.every);
}
