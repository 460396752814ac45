import { createHash } from 'node:crypto';
import type {
  AppendOptions,
  AppendResult,
  EventInput,
  ExpectedVersion,
  LoadedStream,
  RecordedEvent,
  SnapshotPolicy,
  StreamAppend,
  StreamAppendOutcome,
} from '@orders/event-store';
// Deep imports: the package index also loads the PostgreSQL store (pg); these files are pure.
import { canonicalJson } from '@orders/event-store/src/canonical-json';
import type { CommandStore } from '@orders/event-store/src/command-handler';
import { ConcurrencyError, IdempotencyKeyReused, InvalidAppend } from '@orders/event-store/src/errors';

/** A point where the simulator may switch to another task (between a read and a write, as a database round trip does). */
export type Gate = () => Promise<void>;

interface KeyRecord {
  streamId: string;
  fingerprint: string;
  first: number;
  last: number;
}

/**
 * The event store in memory, behind the same `CommandStore` port the services' command handlers use, with the same
 * rules the PostgreSQL store enforces (the shared contract suite proves it): optimistic concurrency on the expected
 * version, idempotency keys checked before the version, and a replay returning the first append's events.
 * Ids and times are deterministic (a counter and the simulated clock), so a seed replays byte for byte.
 */
export class MemoryEventStore implements CommandStore {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly log: RecordedEvent[] = [];
  private readonly byId = new Map<string, RecordedEvent>();
  private transactions = 0;
  /** Set by the scheduler while several commands run interleaved; undefined runs straight through. */
  gate?: Gate;
  /** Streams appended to since the last `takeDirty`, for incremental invariant checks. */
  private dirty = new Set<string>();

  /**
   * `skipVersionCheck` is an injected bug for the simulator's own test: appends ignore the expected version, as a
   * store without optimistic concurrency would. Never set outside that test.
   */
  constructor(
    private readonly now: () => number = () => 0,
    private readonly skipVersionCheck = false,
  ) {}

  get pool(): CommandStore['pool'] {
    throw new Error('the in-memory store has no connection pool: transactions (within/alongside) are not simulated');
  }

  async load<E, S>(
    streamId: string,
    fold: { evolve(s: S, e: E): S; initialState: S },
    options: { toDomainEvent?(event: RecordedEvent): E; from?: { version: number; state: S } },
  ): Promise<LoadedStream<S>> {
    if (this.gate) await this.gate();
    const events = this.streams.get(streamId) ?? [];
    const from =
      options.from && options.from.version <= events.length ? options.from : { version: 0, state: fold.initialState };
    const toDomain =
      options.toDomainEvent ?? ((e: RecordedEvent) => ({ type: e.type, data: e.data, metadata: e.metadata }) as E);
    let state = from.state;
    for (let i = from.version; i < events.length; i++) state = fold.evolve(state, toDomain(events[i]));
    return { streamId, state, version: events.length, eventsFolded: events.length - from.version };
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    inputs: readonly EventInput[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.gate) await this.gate();
    return this.appendNow(streamId, expected, inputs, options);
  }

  /** Each stream as `load` reads it, behind one gate (one round trip in the real store). */
  async loadMany<E, S>(
    streams: readonly { streamId: string; from?: { version: number; state: S } }[],
    fold: { evolve(s: S, e: E): S; initialState: S },
    options: { toDomainEvent?(event: RecordedEvent): E },
  ): Promise<Map<string, LoadedStream<S>>> {
    if (this.gate) await this.gate();
    const gate = this.gate;
    this.gate = undefined;
    try {
      const loaded = new Map<string, LoadedStream<S>>();
      for (const { streamId, from } of streams) {
        if (!loaded.has(streamId)) loaded.set(streamId, await this.load(streamId, fold, { ...options, from }));
      }
      return loaded;
    } finally {
      this.gate = gate;
    }
  }

  /** One atomic step, as the real store's one statement: each stream appended or refused on its own version. */
  async appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    if (this.gate) await this.gate();
    return appends.map((a): StreamAppendOutcome => {
      if (a.expected === 'any' || a.events.length === 0) throw new InvalidAppend('batch append: a version and events');
      try {
        return { ok: true, result: this.appendNow(a.streamId, a.expected, a.events, a.options) };
      } catch (error) {
        if (error instanceof ConcurrencyError) return { ok: false, error };
        throw error;
      }
    });
  }

  appendManyWithin(): Promise<StreamAppendOutcome[]> {
    return Promise.reject(new Error('appendManyWithin: caller transactions are not simulated'));
  }

  appendWithin(): Promise<AppendResult> {
    return Promise.reject(new Error('appendWithin: caller transactions are not simulated'));
  }

  async idempotentResult(idempotencyKey: string, fingerprint: string): Promise<AppendResult | undefined> {
    if (this.gate) await this.gate();
    const known = this.keys.get(idempotencyKey);
    if (!known) return undefined;
    if (known.fingerprint !== fingerprint) throw new IdempotencyKeyReused(idempotencyKey, known.streamId);
    return this.replay(known);
  }

  snapshotLater<S>(_streamId: string, _policy: SnapshotPolicy<S>, _state: S, _version: number): void {
    // Snapshots are an optimisation of loading; folding the whole in-memory stream is already cheap.
  }

  /** The atomic part of an append: what one PostgreSQL statement does. */
  appendNow(
    streamId: string,
    expected: ExpectedVersion,
    inputs: readonly EventInput[],
    options: AppendOptions = {},
  ): AppendResult {
    if (!streamId) throw new InvalidAppend('stream id must be a non-empty string of at most 512 characters');
    // A companion write is SQL run by the append's statement: this store cannot run it, and must not drop it.
    if (options.companion) throw new InvalidAppend(`companion write ${options.companion.name} needs PostgreSQL`);
    const fingerprint =
      options.idempotencyKey === undefined
        ? undefined
        : (options.requestFingerprint ?? defaultFingerprint(streamId, inputs));
    if (options.idempotencyKey !== undefined) {
      const known = this.keys.get(options.idempotencyKey);
      if (known) {
        if (known.fingerprint !== fingerprint) throw new IdempotencyKeyReused(options.idempotencyKey, known.streamId);
        return this.replay(known);
      }
    }
    const events = this.streams.get(streamId) ?? [];
    const version = events.length;
    const ok =
      expected === 'any' || (expected === 'no_stream' || expected === 0 ? version === 0 : expected === version);
    if (!ok && !this.skipVersionCheck) throw new ConcurrencyError(streamId, expected, version);
    const streamType = events[0]?.streamType ?? options.streamType ?? defaultStreamType(streamId);
    const transactionId = String(++this.transactions);
    const recordedAt = new Date(this.now());
    const recorded = inputs.map((input, i): RecordedEvent => ({
      eventId: input.eventId ?? fakeUuid(this.log.length + i + 1),
      streamId,
      streamType,
      streamVersion: version + i + 1,
      globalPosition: String(this.log.length + i + 1),
      transactionId,
      type: input.type,
      schemaVersion: input.schemaVersion ?? 1,
      data: input.data,
      metadata: input.metadata ?? {},
      occurredAt: input.occurredAt === undefined ? recordedAt : new Date(input.occurredAt),
      recordedAt,
    }));
    if (recorded.length > 0) {
      if (!this.streams.has(streamId)) this.streams.set(streamId, events);
      events.push(...recorded);
      this.log.push(...recorded);
      for (const event of recorded) this.byId.set(event.eventId, event);
      this.dirty.add(streamId);
    }
    if (options.idempotencyKey !== undefined && fingerprint !== undefined) {
      this.keys.set(options.idempotencyKey, {
        streamId,
        fingerprint,
        first: version + 1,
        last: version + recorded.length,
      });
    }
    return {
      streamId,
      streamType,
      nextExpectedVersion: version + recorded.length,
      firstVersion: version + 1,
      transactionId,
      events: recorded,
      idempotentReplay: false,
    };
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return [...this.stream(streamId)];
  }

  /** The stream's events (shared, not copied: callers must not change them). */
  stream(streamId: string): readonly RecordedEvent[] {
    return this.streams.get(streamId) ?? [];
  }

  /** An event by id (what a causation id names), if it is in this store. */
  event(eventId: unknown): RecordedEvent | undefined {
    return typeof eventId === 'string' ? this.byId.get(eventId) : undefined;
  }

  /** The global log after a position (1-based positions, as the real store's are increasing). */
  after(position: number, limit = Infinity): readonly RecordedEvent[] {
    return this.log.slice(position, Math.min(this.log.length, position + limit));
  }

  get position(): number {
    return this.log.length;
  }

  streamIds(): IterableIterator<string> {
    return this.streams.keys();
  }

  takeDirty(): Set<string> {
    const dirty = this.dirty;
    this.dirty = new Set();
    return dirty;
  }

  private replay(known: KeyRecord): AppendResult {
    const events = this.stream(known.streamId).slice(known.first - 1, known.last);
    return {
      streamId: known.streamId,
      streamType: events[0]?.streamType ?? defaultStreamType(known.streamId),
      nextExpectedVersion: known.last,
      firstVersion: known.first,
      transactionId: events[0]?.transactionId ?? '0',
      events: [...events],
      idempotentReplay: true,
    };
  }
}

function defaultStreamType(streamId: string): string {
  const match = /^([^-:]+)[-:]/.exec(streamId);
  return match ? match[1] : 'default';
}

/** As the real store: the stream and each event's type, schema version and data (not ids, times or metadata). */
function defaultFingerprint(streamId: string, inputs: readonly EventInput[]): string {
  const events = inputs.map((e) => ({ data: e.data, schemaVersion: e.schemaVersion ?? 1, type: e.type }));
  return createHash('sha256').update(canonicalJson({ events, streamId })).digest('hex');
}

/** A valid, deterministic UUID (version 7 layout) from a counter. */
function fakeUuid(n: number): string {
  const hex = n.toString(16).padStart(18, '0');
  return `00000000-0000-7${hex.slice(0, 3)}-8${hex.slice(3, 6)}-${hex.slice(6, 18)}`;
}
