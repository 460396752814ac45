// The public shapes of the store. `EventMetadata`, `RecordedEvent` and `SubscriptionHandler` are shared with the
// messaging library: change them only together with it.
import type { PoolClient } from 'pg';

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  traceparent?: string;
  idempotencyKey?: string;
  [key: string]: unknown;
}

export interface RecordedEvent<D = unknown> {
  eventId: string;
  streamId: string;
  streamType: string;
  /** 1 for the first event of a stream. */
  streamVersion: number;
  /** bigint as a decimal string (position in insertion order, not commit order). */
  globalPosition: string;
  /** xid8 of the appending transaction, as a decimal string. */
  transactionId: string;
  type: string;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  occurredAt: Date;
  recordedAt: Date;
}

export type SubscriptionHandler = (events: RecordedEvent[], tx: PoolClient) => Promise<void>;

/** 'no_stream' (or 0): the stream must not exist yet; a number n: the stream must be exactly at version n. */
export type ExpectedVersion = 'any' | 'no_stream' | number;

/** An event to append. Ids are made here at the edge when absent (UUIDv7). */
export interface EventInput<D = unknown> {
  type: string;
  data: D;
  metadata?: EventMetadata;
  /** A UUID; UUIDv7 by default. */
  eventId?: string;
  /** Defaults to the newest version the upcasters know for the type, else 1. */
  schemaVersion?: number;
  /** Defaults to the time of the append. */
  occurredAt?: Date | string;
}

export interface AppendOptions {
  /** A repeat with the same key and the same request returns the first result and appends nothing. */
  idempotencyKey?: string;
  /**
   * What "the same request" means for the key. Defaults to a hash of the stream id and each event's type, schema
   * version and data (not ids, times or metadata, which a retry at the edge may regenerate).
   */
  requestFingerprint?: string;
  /** Recorded when the stream is created; defaults to the stream id's prefix before the first '-' or ':'. */
  streamType?: string;
  tenant?: string;
  /** A write that commits in the append's own statement, only when the append happens (see CompanionWrite). */
  companion?: CompanionWrite;
}

/**
 * Another library's rows that must commit with the events (a sealed personal-data record, say), written by the
 * append's own statement: no transaction of its own, one round trip for both. `sql` is one or more data-modifying
 * CTEs (`name AS (INSERT …)`, comma-separated) spliced into the append. It reads the CTE `appended` (one row, with
 * `stream_id`, when the append happens; none otherwise), so nothing is written without the events, and takes named
 * parameters `:w_<name>` from `values`. When it cannot write what it must, it fails the statement (a unique
 * violation, say): then nothing is appended either, and the caller takes its slow path. The rows must live in the
 * store's database. Not for appends inside a caller's transaction, where a failed statement would end it.
 */
export interface CompanionWrite {
  /** Names the SQL (a prepared statement per name): every write with one name must have the same `sql`. */
  readonly name: string;
  readonly sql: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface AppendResult {
  streamId: string;
  streamType: string;
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** Version of the first event written (nextExpectedVersion + 1 when nothing was written). */
  firstVersion: number;
  transactionId: string;
  events: RecordedEvent[];
  /** True when the result is that of an earlier append with the same idempotency key; nothing was written now. */
  idempotentReplay: boolean;
}

/** A position in the commit-safe global order: everything at or before it has been read. */
export interface Checkpoint {
  transactionId: string;
  globalPosition: string;
}

export const START: Checkpoint = Object.freeze({ transactionId: '0', globalPosition: '0' });

export interface ReadStreamOptions {
  /** First version to return (inclusive), default 1. */
  fromVersion?: number;
  /** Last version to return (inclusive). */
  toVersion?: number;
  /** Time travel: only events recorded at or before this instant. */
  asOf?: Date;
  limit?: number;
}

export interface ReadAllOptions {
  after?: Checkpoint;
  limit?: number;
  streamTypes?: readonly string[];
  eventTypes?: readonly string[];
  /**
   * The `horizon` of an earlier page whose read has finished: saves the round trip that computes one. Only a value
   * returned by a read that ended before this one starts is safe (see Reads).
   */
  horizon?: string;
}

export interface ReadAllPage {
  events: RecordedEvent[];
  /** Where to continue; may be past the last event when the page was not full (settled positions were skipped). */
  checkpoint: Checkpoint;
  /** True when committed events exist beyond what is safe to read yet (an older transaction is still open). */
  pending: boolean;
  /** The horizon the next read may use (computed by this one). */
  horizon: string;
  /** The next horizon is past the one this read used: a pending page can be read at once. */
  horizonMoved: boolean;
}

export interface Logger {
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}
