import type { DatabaseError } from 'pg';
import { appendManySql, type AppendManyRow } from './append-many-sql';
import { checkCompanion, isUniqueViolation, recordedEvents, type PreparedAppend } from './append';
import { ConcurrencyError, DuplicateEventId, InvalidAppend } from './errors';
import { bind } from './sql-template';
import type { Queryable } from './queryable';
import type { AppendOptions, AppendResult, CompanionWrite, EventInput, ExpectedVersion } from './types';

/** One stream's part of a batch append. */
export interface StreamAppend {
  streamId: string;
  /** A version or 'no_stream': a batch is decided on states it read ('any' has no per-stream check to keep). */
  expected: ExpectedVersion;
  events: readonly EventInput[];
  /** Idempotency keys are refused: a batch's streams are settled by their expected versions. */
  options?: Pick<AppendOptions, 'streamType' | 'tenant'>;
}

/** Each stream's outcome, in the order asked: appended, or a conflict that touched no other stream of the batch. */
export type StreamAppendOutcome =
  { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: ConcurrencyError };

/** Options of a batch append as a whole. */
export interface AppendManyOptions {
  /**
   * Rows that commit with the batch, written by its own statement (types.ts, CompanionWrite): the CTE `appended`
   * holds one row per stream that appended.
   */
  companion?: CompanionWrite;
}

export type BatchOutcome = { kind: 'done'; outcomes: StreamAppendOutcome[] } | { kind: 'not_first_write' };

/** Checks what a batch may hold; the appends are then prepared one by one as single appends are. */
export function checkBatch(appends: readonly StreamAppend[]): void {
  const seen = new Set<string>();
  for (const append of appends) {
    if (append.expected === 'any')
      throw new InvalidAppend(`batch append to ${append.streamId}: expected version 'any' is not allowed`);
    if (append.events.length === 0) throw new InvalidAppend(`batch append to ${append.streamId}: no events`);
    if ((append.options as AppendOptions | undefined)?.idempotencyKey !== undefined) {
      throw new InvalidAppend(`batch append to ${append.streamId}: idempotency keys are not allowed`);
    }
    // One lock, one version check and one base version per stream and statement.
    if (seen.has(append.streamId)) throw new InvalidAppend(`batch append: stream ${append.streamId} twice`);
    seen.add(append.streamId);
  }
}

export class AppendManyStatement {
  /** By companion name ('' for none), with the companion's SQL text its statement was compiled from. */
  private readonly cache = new Map<string, { sql: ReturnType<typeof appendManySql>; companionSql?: string }>();
  constructor(
    private readonly schema: string,
    private readonly prepared: boolean,
  ) {}

  private statement(companion: CompanionWrite | undefined) {
    const key = companion?.name ?? '';
    let cached = this.cache.get(key);
    if (!cached) {
      cached = { sql: appendManySql(this.schema, companion), companionSql: companion?.sql };
      this.cache.set(key, cached);
    } else if (companion && cached.companionSql !== companion.sql) {
      throw new Error(`companion write ${companion.name} came with another SQL text than its first use`);
    }
    return cached.sql;
  }

  async run(
    q: Queryable, appends: readonly PreparedAppend[], notify: boolean, companion?: CompanionWrite,
  ): Promise<BatchOutcome> {
    checkCompanion(companion);
    const sql = this.statement(companion);
    const contents: Buffer[] = [];
    const streams = appends.map((append, n) => {
      const first = contents.length + 1;
      contents.push(...append.contents);
      return (
        `{"n":${n},"stream_id":${JSON.stringify(append.streamId)},"stream_type":${JSON.stringify(append.streamType)},` +
        `"tenant":${JSON.stringify(append.tenant)},"kind":"${append.kind}",` +
        `"expected":${append.expectedNumber ?? 'null'},` +
        `"count":${append.events.length},"first":${first},"events":${append.eventsJson}}`
      );
    });
    let rows: AppendManyRow[];
    try {
      rows = (
        await q.query<AppendManyRow>(
          bind(sql, { ...companion?.values, streams: `[${streams.join(',')}]`, contents, notify }, this.prepared),
        )
      ).rows;
    } catch (error) {
      if (isUniqueViolation(error, 'events_event_id_key')) {
        throw new DuplicateEventId(
          appends.map((a) => a.streamId).join(', '),
          (error as DatabaseError).detail ?? 'event_id',
        );
      }
      throw error;
    }
    if (!rows[0]?.first_write) return { kind: 'not_first_write' };
    return { kind: 'done', outcomes: rows.map((row) => outcomeOf(appends[row.n], row)) };
  }
}

function outcomeOf(append: PreparedAppend, row: AppendManyRow): StreamAppendOutcome {
  if (row.base_version === null) {
    const seen = row.seen_version === null ? 0 : Number(row.seen_version);
    // At the expected version yet refused: a transaction with a newer id appended first (the commit-order check).
    const detail =
      seen === (append.expectedNumber ?? 0)
        ? `stream ${append.streamId}: a transaction with a newer id appended first; ` +
          'retry in a new transaction (commit-order guard)'
        : undefined;
    return { ok: false, error: new ConcurrencyError(append.streamId, append.expected, seen, detail) };
  }
  const { base, streamType, transactionId, events } = recordedEvents(append, row);
  return {
    ok: true,
    result: {
      streamId: append.streamId,
      streamType,
      nextExpectedVersion: base + events.length,
      firstVersion: base + 1,
      transactionId,
      events,
      idempotentReplay: false,
    },
  };
}
