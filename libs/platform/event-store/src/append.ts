import { createHash } from 'node:crypto';
import type { DatabaseError } from 'pg';
import { appendSql, type AppendParam, type AppendRow, type ExpectedKind } from './append-sql';
import { canonicalJson } from './canonical-json';
import { ConcurrencyError, DuplicateEventId, InvalidAppend } from './errors';
import { contentHash } from './hash-chain';
import { bind, type CompiledSql } from './sql-template';
import type { Queryable } from './queryable';
import type { AppendOptions, CompanionWrite, EventInput, EventMetadata, ExpectedVersion, RecordedEvent } from './types';
import { isUuid, uuidv7 } from './uuidv7';

export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  occurredAt: Date;
}

export interface PreparedAppend {
  streamId: string;
  streamType: string;
  tenant: string | null;
  kind: ExpectedKind;
  expected: ExpectedVersion;
  expectedNumber: number | null;
  events: PreparedEvent[];
  contents: Buffer[];
  eventsJson: string;
  idempotencyKey: string | null;
  fingerprint: string | null;
  companion: CompanionWrite | undefined;
}

export function defaultStreamType(streamId: string): string {
  const match = /^([^-:]+)[-:]/.exec(streamId);
  return match ? match[1] : 'default';
}

/** Validates, fills ids and times, and hashes content: everything an append does before the database. */
export function prepareAppend(
  streamId: string,
  expected: ExpectedVersion,
  inputs: readonly EventInput[],
  options: AppendOptions,
  schemaVersionOf: (type: string) => number,
  now: Date,
): PreparedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 512) {
    throw new InvalidAppend('stream id must be a non-empty string of at most 512 characters');
  }
  let kind: ExpectedKind;
  let expectedNumber: number | null = null;
  if (expected === 'any') kind = 'any';
  else if (expected === 'no_stream' || expected === 0) kind = 'no_stream';
  else if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected > 0) {
    kind = 'version';
    expectedNumber = expected;
  } else
    throw new InvalidAppend(
      `expected version must be 'any', 'no_stream' or a non-negative integer, not ${String(expected)}`,
    );

  const events: PreparedEvent[] = [];
  const contents: Buffer[] = [];
  const json: string[] = [];
  const fingerprintParts: string[] = [];
  inputs.forEach((input, index) => {
    if (!input || typeof input.type !== 'string' || input.type.length === 0)
      throw new InvalidAppend(`event [${index}] needs a type`);
    const eventId = (input.eventId ?? uuidv7(now.getTime())).toLowerCase();
    if (!isUuid(eventId)) throw new InvalidAppend(`event [${index}] id ${input.eventId} is not a UUID`);
    const schemaVersion = input.schemaVersion ?? schemaVersionOf(input.type);
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1)
      throw new InvalidAppend(`event [${index}] schema version must be a positive integer`);
    const occurredAt = input.occurredAt === undefined ? now : new Date(input.occurredAt);
    if (Number.isNaN(occurredAt.getTime())) throw new InvalidAppend(`event [${index}] occurredAt is not a valid time`);
    const metadata = input.metadata ?? {};
    const dataJson = canonicalJson(input.data);
    const metadataJson = canonicalJson(metadata);
    const occurred = occurredAt.toISOString();
    contents.push(
      contentHash({ eventId, streamId, type: input.type, schemaVersion, occurredAt: occurred, dataJson, metadataJson }),
    );
    json.push(
      `{"i":"${eventId}","t":${JSON.stringify(input.type)},"v":${schemaVersion},"o":"${occurred}","d":${dataJson},"m":${metadataJson}}`,
    );
    events.push({ eventId, type: input.type, schemaVersion, data: input.data, metadata, occurredAt });
    if (options.idempotencyKey !== undefined && options.requestFingerprint === undefined) {
      fingerprintParts.push(
        `{"data":${dataJson},"schemaVersion":${schemaVersion},"type":${JSON.stringify(input.type)}}`,
      );
    }
  });

  let fingerprint: string | null = null;
  if (options.idempotencyKey !== undefined) {
    if (typeof options.idempotencyKey !== 'string' || options.idempotencyKey.length === 0)
      throw new InvalidAppend('idempotency key must be a non-empty string');
    fingerprint =
      options.requestFingerprint ??
      createHash('sha256')
        .update(`{"events":[${fingerprintParts.join(',')}],"streamId":${JSON.stringify(streamId)}}`)
        .digest('hex');
  }

  checkCompanion(options.companion);

  return {
    streamId,
    streamType: options.streamType ?? defaultStreamType(streamId),
    tenant: options.tenant ?? null,
    kind,
    expected,
    expectedNumber,
    events,
    contents,
    eventsJson: `[${json.join(',')}]`,
    idempotencyKey: options.idempotencyKey ?? null,
    fingerprint,
    companion: options.companion,
  };
}

/** A companion write's name and parameter names, checked before they reach a statement's name and text. */
export function checkCompanion(companion: CompanionWrite | undefined): void {
  const companionName = companion?.name;
  if (companionName !== undefined && !/^[a-z][a-z0-9_]{0,62}$/.test(companionName)) {
    throw new InvalidAppend(
      `companion write name ${JSON.stringify(companionName)} must be a short lower-case identifier`,
    );
  }
  for (const name of Object.keys(companion?.values ?? {})) {
    if (!/^w_[a-z0-9_]+$/.test(name))
      throw new InvalidAppend(`companion write parameter ${name} must be named w_<name>`);
  }
}

export type AppendOutcome =
  | {
      kind: 'appended';
      streamType: string;
      firstVersion: number;
      nextExpectedVersion: number;
      transactionId: string;
      events: RecordedEvent[];
    }
  | { kind: 'known'; streamId: string; fingerprint: string; firstVersion: number; lastVersion: number }
  | { kind: 'conflict'; seenVersion: number; commitOrder: boolean }
  | { kind: 'not_first_write' };

export class AppendStatements {
  private readonly cache = new Map<string, { sql: CompiledSql<AppendParam | `w_${string}`>; companionSql?: string }>();
  constructor(
    private readonly schema: string,
    private readonly prepared: boolean,
  ) {}

  async run(q: Queryable, append: PreparedAppend, notify: boolean): Promise<AppendOutcome> {
    const withKey = append.idempotencyKey !== null;
    const { companion } = append;
    const cacheKey = `${append.kind}:${withKey}:${companion?.name ?? ''}`;
    let cached = this.cache.get(cacheKey);
    if (!cached) {
      cached = { sql: appendSql(this.schema, append.kind, withKey, companion), companionSql: companion?.sql };
      this.cache.set(cacheKey, cached);
    } else if (companion && cached.companionSql !== companion.sql) {
      throw new Error(`companion write ${companion.name} came with another SQL text than its first use`);
    }
    const { sql } = cached;
    const values: Record<string, unknown> = {
      ...companion?.values,
      stream_id: append.streamId,
      stream_type: append.streamType,
      tenant: append.tenant,
      count: append.events.length,
      expected: append.expectedNumber,
      contents: append.contents,
      events: append.eventsJson,
      notify,
      key: append.idempotencyKey,
      fingerprint: append.fingerprint,
    };
    let row: AppendRow;
    try {
      row = (await q.query<AppendRow>(bind(sql, values, this.prepared))).rows[0];
    } catch (error) {
      throw translateAppendError(error, append);
    }
    if (!row.first_write) return { kind: 'not_first_write' };
    if (row.base_version !== null) {
      const { base, streamType, transactionId, events } = recordedEvents(append, row);
      return {
        kind: 'appended',
        streamType,
        firstVersion: base + 1,
        nextExpectedVersion: base + append.events.length,
        transactionId,
        events,
      };
    }
    if (row.known_stream_id) {
      return {
        kind: 'known',
        streamId: row.known_stream_id,
        fingerprint: row.known_fingerprint ?? '',
        firstVersion: Number(row.known_first),
        lastVersion: Number(row.known_last),
      };
    }
    const seenVersion = row.seen_version === null ? 0 : Number(row.seen_version);
    // 'any' never fails on the version; only the transaction-id order check can refuse it.
    return { kind: 'conflict', seenVersion, commitOrder: append.kind === 'any' };
  }
}

/** What an append that happened recorded, from its row: versions after `base`, positions and times as stored. */
export function recordedEvents(
  append: PreparedAppend,
  row: Pick<AppendRow, 'base_version' | 'stream_type' | 'transaction_id' | 'positions' | 'recorded'>,
): { base: number; streamType: string; transactionId: string; events: RecordedEvent[] } {
  const base = Number(row.base_version);
  const streamType = row.stream_type ?? append.streamType;
  const transactionId = row.transaction_id ?? '';
  const positions = row.positions ?? [];
  const recorded = row.recorded ?? [];
  const events = append.events.map((event, i): RecordedEvent => ({
    eventId: event.eventId,
    streamId: append.streamId,
    streamType,
    streamVersion: base + i + 1,
    globalPosition: positions[i],
    transactionId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.occurredAt,
    recordedAt: recorded[i],
  }));
  return { base, streamType, transactionId, events };
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as Partial<DatabaseError>;
  return e?.code === '23505' && e.constraint === constraint;
}

function translateAppendError(error: unknown, append: PreparedAppend): unknown {
  if (isUniqueViolation(error, 'events_event_id_key')) {
    return new DuplicateEventId(append.streamId, (error as DatabaseError).detail ?? 'event_id');
  }
  // Two writers raced past the version check on the same stream version; the loser wrote nothing.
  if (isUniqueViolation(error, 'events_stream_version_key'))
    return new ConcurrencyError(append.streamId, append.expected, undefined);
  return error;
}
