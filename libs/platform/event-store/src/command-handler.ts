import { createHash } from 'node:crypto';
import type { Command, Decider, Event } from '@orders/decider-kit';
import type { Pool, PoolClient } from 'pg';
import { defaultToDomainEvent, snapshotDue, type LoadedStream, type SnapshotPolicy } from './aggregate';
import type { AppendManyOptions, StreamAppend, StreamAppendOutcome } from './append-many';
import { handleMany, type BatchCommand, type BatchCommandResult, type HandleManyOptions } from './command-batch';
import { canonicalJson } from './canonical-json';
import { ConcurrencyError } from './errors';
import type { Queryable } from './queryable';
import { StateCache } from './state-cache';
import { inSpan } from './tracing';
import { withTransaction } from './transaction';
import type {
  AppendOptions,
  AppendResult,
  CompanionWrite,
  EventInput,
  EventMetadata,
  ExpectedVersion,
  RecordedEvent,
} from './types';

export interface CommandHandlerConfig<C extends Command, E extends Event, S> {
  decider: Decider<C, E, S>;
  /** Recorded on new streams; also names the snapshot policy's stream type. */
  streamType: string;
  snapshot?: SnapshotPolicy<S>;
  /** Reload-and-retry attempts after a ConcurrencyError (default 3); 0 turns retrying off for this handler. */
  conflictRetries?: number;
  /** Stored event to the decider's event (default `{ type, data, metadata }` after upcasting). */
  toDomainEvent?(event: RecordedEvent): E;
  /** Decided event to what is stored (default: type and data, metadata from the command, occurredAt = command's now). */
  toEventInput?(event: E, command: C): EventInput;
  /**
   * Keeps the latest folded state of up to `maxStreams` streams in memory (default 1000), so a command reads only
   * the events appended since (by any process). States must be treated as immutable, as evolve already must;
   * `false` turns the cache off.
   */
  cache?: { maxStreams: number } | false;
}

/**
 * Where the state a command is decided on comes from:
 * - 'cached' (default): the handler's cache when warm, proven current by the append's expected version;
 * - 'fresh': always read from the store (snapshot + tail);
 * - 'empty': a command that creates its stream, decided on the initial state without reading; appended with
 *   `no_stream`, so an existing stream is a ConcurrencyError (never retried: the assumption, not the state, failed).
 * Inside a caller's transaction 'cached' reads as 'fresh': a conflict there cannot be retried.
 */
export type LoadMode = 'cached' | 'fresh' | 'empty';

/** What a command appended, as the writes alongside it see it. */
export interface Appended<S, E extends Event = Event> {
  /** The state after the new events, folded as a later load folds them. */
  state: S;
  /** The new events as the decider sees them (mapped back from what was stored). */
  events: readonly E[];
  recorded: readonly RecordedEvent[];
  version: number;
}

export interface HandleOptions<C extends Command = Command, E extends Event = Event, S = unknown> {
  /**
   * The version the caller saw (an If-Match, say). The command then fails with ConcurrencyError when the stream
   * moved, and is never retried: the caller decided on that version.
   */
  expectedVersion?: ExpectedVersion;
  /** Overrides command.metadata.idempotencyKey. */
  idempotencyKey?: string;
  tenant?: string;
  /** Overrides the handler's conflictRetries for this call. */
  conflictRetries?: number;
  load?: LoadMode;
  /**
   * The caller's open transaction (a consumer's inbox transaction, say): the append joins it, as its first write,
   * and commits or rolls back with it. A conflict is thrown, not retried: only the caller can start again. The
   * state cache forgets the stream instead of learning the new state, which the caller may still roll back.
   */
  within?: PoolClient;
  /**
   * Writes that must commit with the events (an index row, a sealed record): run after the append in the same
   * transaction (the caller's `within`, else one the handler opens), only when something new was appended. When
   * they throw, the events are rolled back too; after a conflict the whole attempt is decided and written again.
   */
  alongside?(tx: PoolClient, appended: Appended<S, E>): Promise<void>;
  /**
   * The fast form of `alongside` for a command outside a caller's transaction: its rows written by the append's
   * own statement (types.ts, CompanionWrite), one round trip instead of BEGIN, append, writes, COMMIT. When the
   * statement fails and `refused` says the companion could not write (its row exists, say), the command is decided
   * and written again the slow way, with `alongside`. Ignored with `within`.
   */
  companion?: { write: CompanionWrite; refused(error: unknown): boolean };
  /**
   * Overrides the handler's toEventInput for this call, and may be async: what is stored can depend on the stream
   * (`state` is the one the events were decided on) and need I/O, e.g. fields encrypted with a key of the stream's
   * subject. Runs after each decision, before its append (again after a conflict).
   */
  toEventInput?(event: E, command: C, state: S): EventInput | Promise<EventInput>;
}

export interface CommandResult<S> {
  streamId: string;
  /** The stream's version after the command (unchanged when nothing was decided). */
  nextExpectedVersion: number;
  /** What this command appended (or, for a replay, what the first attempt appended). Empty when already satisfied. */
  events: RecordedEvent[];
  state: S;
  /** True when an earlier run of the same command (same idempotency key) is returned; nothing was appended now. */
  idempotentReplay: boolean;
}

export interface CommandHandler<C extends Command, S, E extends Event = Event> {
  handle(streamId: string, command: C, options?: HandleOptions<C, E, S>): Promise<CommandResult<S>>;
  /** Commands on many streams decided one by one and appended together (see command-batch.ts). */
  handleMany(commands: readonly BatchCommand<C>[], options?: HandleManyOptions<S, E>): Promise<BatchCommandResult<S>[]>;
}

type StoreLoadOptions<E, S> = {
  snapshot?: SnapshotPolicy<S>;
  toDomainEvent?(event: RecordedEvent): E;
  from?: { version: number; state: S };
  within?: Queryable;
};

/** The slice of the store a command handler needs (the store implements it). */
export interface CommandStore {
  readonly pool: Pool;
  load<E, S>(
    streamId: string,
    fold: { evolve(s: S, e: E): S; initialState: S },
    options: StoreLoadOptions<E, S>,
  ): Promise<LoadedStream<S>>;
  append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly EventInput[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  appendWithin(
    client: PoolClient,
    streamId: string,
    expected: ExpectedVersion,
    events: readonly EventInput[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  loadMany<E, S>(
    streams: readonly { streamId: string; from?: { version: number; state: S } }[],
    fold: { evolve(s: S, e: E): S; initialState: S },
    options: Pick<StoreLoadOptions<E, S>, 'snapshot' | 'toDomainEvent'>,
  ): Promise<Map<string, LoadedStream<S>>>;
  appendMany(appends: readonly StreamAppend[], options?: AppendManyOptions): Promise<StreamAppendOutcome[]>;
  appendManyWithin(
    client: PoolClient, appends: readonly StreamAppend[], options?: AppendManyOptions,
  ): Promise<StreamAppendOutcome[]>;
  idempotentResult(idempotencyKey: string, fingerprint: string): Promise<AppendResult | undefined>;
  snapshotLater<S>(streamId: string, policy: SnapshotPolicy<S>, state: S, version: number): void;
}

/** What "the same command" means for an idempotency key: the stream, the command type and its data. */
export function commandFingerprint(streamId: string, command: Command): string {
  return createHash('sha256')
    .update(canonicalJson({ streamId, type: command.type, data: command.data }))
    .digest('hex');
}

export function defaultEventInput<C extends Command, E extends Event>(event: E, command: C): EventInput {
  const { now, idempotencyKey, ...rest } = command.metadata;
  const metadata: EventMetadata = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) metadata[key] = value;
  if (idempotencyKey !== undefined) metadata.idempotencyKey = idempotencyKey;
  Object.assign(metadata, event.metadata);
  return { type: event.type, data: event.data, metadata, occurredAt: now };
}

const TRACER = '@orders/event-store';

/** load (snapshot + tail) -> fold -> decide -> append (+ writes alongside), with bounded retries on conflicts. */
export function createCommandHandler<C extends Command, E extends Event, S>(
  store: CommandStore,
  config: CommandHandlerConfig<C, E, S>,
): CommandHandler<C, S, E> {
  const { decider, snapshot } = config;
  const toDomainEvent = config.toDomainEvent ?? defaultToDomainEvent<E>;
  const toEventInput = config.toEventInput ?? defaultEventInput<C, E>;
  const cache = config.cache === false ? undefined : new StateCache<S>(config.cache?.maxStreams ?? 1000);
  const empty = { version: 0, state: decider.initialState };
  const load = async (streamId: string, within?: Queryable) => {
    const loaded = await store.load<E, S>(streamId, decider, {
      snapshot,
      toDomainEvent,
      from: cache?.get(streamId),
      within,
    });
    cache?.set(streamId, loaded.version, loaded.state);
    return loaded;
  };

  const replayed = async (streamId: string, result: AppendResult, within?: Queryable): Promise<CommandResult<S>> => {
    const current = await load(streamId, within);
    return {
      streamId,
      nextExpectedVersion: result.nextExpectedVersion,
      events: result.events,
      state: current.state,
      idempotentReplay: true,
    };
  };

  interface Attempt {
    streamId: string;
    expected: ExpectedVersion;
    inputs: EventInput[];
    appendOptions: AppendOptions;
    from: S;
  }

  /** The append and the writes alongside it, in `tx`; the state they lead to (undefined for a replay). */
  const appendIn = async (
    tx: PoolClient,
    { streamId, expected, inputs, appendOptions, from }: Attempt,
    alongside: HandleOptions<C, E, S>['alongside'],
  ): Promise<{ result: AppendResult; state?: S }> => {
    const result = await store.appendWithin(tx, streamId, expected, inputs, appendOptions);
    if (result.idempotentReplay) return { result }; // the first run wrote its rows alongside already
    const events = result.events.map(toDomainEvent);
    const state = events.reduce((s, event) => decider.evolve(s, event), from);
    await alongside?.(tx, { state, events, recorded: result.events, version: result.nextExpectedVersion });
    return { result, state };
  };

  const handle = async (streamId: string, command: C, options: HandleOptions<C, E, S>): Promise<CommandResult<S>> => {
    const { within, alongside } = options;
    const idempotencyKey = options.idempotencyKey ?? command.metadata.idempotencyKey;
    let fingerprint: string | undefined;
    if (idempotencyKey !== undefined) {
      fingerprint = commandFingerprint(streamId, command);
      // Before deciding: a retried command must not be decided again against the state it already changed.
      const earlier = await store.idempotentResult(idempotencyKey, fingerprint);
      if (earlier) return replayed(streamId, earlier, within);
    }
    const mode = options.load ?? 'cached';
    const perCall = options.toEventInput;
    const pinned =
      options.expectedVersion !== undefined && options.expectedVersion !== 'any' ? options.expectedVersion : undefined;
    const retries =
      pinned !== undefined || within !== undefined || mode === 'empty'
        ? 0
        : (options.conflictRetries ?? config.conflictRetries ?? 3);
    const appendOptions: AppendOptions = {
      idempotencyKey,
      requestFingerprint: fingerprint,
      streamType: config.streamType,
      tenant: options.tenant,
    };
    // Optimistic first try on the cached state, without reading: the append's expected version proves it was
    // current. Anything a stale state could get wrong (a conflict, a refusal, "nothing to do") is decided again
    // on a fresh load before it is believed.
    let trustCache = cache !== undefined && mode === 'cached' && within === undefined;
    let companion = within === undefined ? options.companion : undefined;
    for (let conflicts = 0; ;) {
      const cached = trustCache ? cache?.get(streamId) : undefined;
      const fresh = cached === undefined;
      const loaded = cached ?? (mode === 'empty' ? empty : await load(streamId, within));
      if (pinned !== undefined && !versionMatches(pinned, loaded.version)) {
        if (!fresh) {
          trustCache = false;
          continue;
        }
        throw new ConcurrencyError(streamId, pinned, loaded.version);
      }
      let decided: readonly E[];
      try {
        decided = decider.decide(command, loaded.state);
      } catch (error) {
        if (!fresh) {
          trustCache = false;
          continue;
        }
        throw error;
      }
      if (decided.length === 0) {
        if (!fresh) {
          trustCache = false;
          continue;
        }
        return {
          streamId,
          nextExpectedVersion: loaded.version,
          events: [],
          state: loaded.state,
          idempotentReplay: false,
        };
      }
      let inputs: EventInput[];
      try {
        inputs = perCall
          ? await Promise.all(decided.map((event) => perCall.call(options, event, command, loaded.state)))
          : decided.map((event) => toEventInput(event, command));
      } catch (error) {
        if (!fresh) {
          trustCache = false;
          continue;
        } // a stale state may have asked for what the fresh one would not
        throw error;
      }
      const expected: ExpectedVersion = loaded.version === 0 ? 'no_stream' : loaded.version;
      const attempt: Attempt = { streamId, expected, inputs, appendOptions, from: loaded.state };
      try {
        // Decided and sealed before a transaction's connection is taken: never hold one while waiting for another.
        let result: AppendResult;
        let state: S | undefined;
        if (within) ({ result, state } = await appendIn(within, attempt, alongside));
        else if (companion)
          result = await store.append(streamId, expected, inputs, { ...appendOptions, companion: companion.write });
        else if (alongside)
          ({ result, state } = await withTransaction(store.pool, (tx) => appendIn(tx, attempt, alongside)));
        else result = await store.append(streamId, expected, inputs, appendOptions);
        if (result.idempotentReplay) return replayed(streamId, result, within);
        // Fold what was stored, mapped as a later load would map it, so the cached state equals a reloaded one.
        state ??= result.events.reduce((s, event) => decider.evolve(s, toDomainEvent(event)), loaded.state);
        if (within) {
          // Not committed yet, and maybe never: neither the cache nor a snapshot may hold it.
          cache?.delete(streamId);
        } else {
          cache?.set(streamId, result.nextExpectedVersion, state);
          if (snapshot && snapshotDue(snapshot, loaded.version, result.nextExpectedVersion)) {
            store.snapshotLater(streamId, snapshot, state, result.nextExpectedVersion);
          }
        }
        return {
          streamId,
          nextExpectedVersion: result.nextExpectedVersion,
          events: result.events,
          state,
          idempotentReplay: false,
        };
      } catch (error) {
        if (companion?.refused(error)) {
          companion = undefined; // nothing was written: again, the slow way
          continue;
        }
        if (!(error instanceof ConcurrencyError)) throw error;
        if (!fresh) {
          trustCache = false;
          continue;
        } // the cache was behind: not a conflict of this command
        if (conflicts >= retries) throw error;
        await jitter(conflicts);
        conflicts += 1;
      }
    }
  };

  const batch = {
    store,
    decider,
    streamType: config.streamType,
    snapshot,
    cache,
    conflictRetries: config.conflictRetries ?? 3,
    toDomainEvent,
    toEventInput,
  };

  return {
    handleMany(commands, options = {}) {
      const attributes = { 'event_store.stream_type': config.streamType, 'command.count': commands.length };
      return inSpan(TRACER, `commands ×${commands.length}`, { attributes }, () => handleMany(batch, commands, options));
    },
    // One span per command: load, decide and the append's own span beneath it, in the caller's trace (an HTTP
    // request's, a consumed message's). A no-op while tracing is off.
    handle(streamId, command, options = {}) {
      const attributes = {
        'event_store.stream_id': streamId,
        'event_store.stream_type': config.streamType,
        'command.type': command.type,
      };
      return inSpan(TRACER, `command ${command.type}`, { attributes }, async (span) => {
        const result = await handle(streamId, command, options);
        if (span.isRecording()) {
          span.setAttributes({
            'command.events': result.events.length,
            'command.idempotent_replay': result.idempotentReplay,
            'event_store.next_version': result.nextExpectedVersion,
          });
        }
        return result;
      });
    },
  };
}

function versionMatches(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 0;
  return expected === actual;
}

// Spreads retries of writers that collided, so they do not collide again in lockstep.
const jitter = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
