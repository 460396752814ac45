import { createHash } from 'node:crypto';
import type { Command, Decider, Event } from '@orders/decider-kit';
import { defaultToDomainEvent, snapshotDue, type LoadedStream, type SnapshotPolicy } from './aggregate';
import { canonicalJson } from './canonical-json';
import { ConcurrencyError } from './errors';
import { StateCache } from './state-cache';
import type { AppendOptions, AppendResult, EventInput, EventMetadata, ExpectedVersion, RecordedEvent } from './types';

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
}

/** The slice of the store a command handler needs (the store implements it). */
export interface CommandStore {
  load<E, S>(streamId: string, fold: { evolve(s: S, e: E): S; initialState: S },
    options: { snapshot?: SnapshotPolicy<S>; toDomainEvent?(event: RecordedEvent): E; from?: { version: number; state: S } }): Promise<LoadedStream<S>>;
  append(streamId: string, expected: ExpectedVersion, events: readonly EventInput[], options: AppendOptions): Promise<AppendResult>;
  idempotentResult(idempotencyKey: string, fingerprint: string): Promise<AppendResult | undefined>;
  snapshotLater<S>(streamId: string, policy: SnapshotPolicy<S>, state: S, version: number): void;
}

/** What "the same command" means for an idempotency key: the stream, the command type and its data. */
export function commandFingerprint(streamId: string, command: Command): string {
  return createHash('sha256').update(canonicalJson({ streamId, type: command.type, data: command.data })).digest('hex');
}

export function defaultEventInput<C extends Command, E extends Event>(event: E, command: C): EventInput {
  const { now, idempotencyKey, ...rest } = command.metadata;
  const metadata: EventMetadata = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) metadata[key] = value;
  if (idempotencyKey !== undefined) metadata.idempotencyKey = idempotencyKey;
  Object.assign(metadata, event.metadata);
  return { type: event.type, data: event.data, metadata, occurredAt: now };
}

/** load (snapshot + tail) -> fold -> decide -> append, with bounded retries on conflicts. */
export function createCommandHandler<C extends Command, E extends Event, S>(store: CommandStore, config: CommandHandlerConfig<C, E, S>): CommandHandler<C, S, E> {
  const { decider, snapshot } = config;
  const toDomainEvent = config.toDomainEvent ?? defaultToDomainEvent<E>;
  const toEventInput = config.toEventInput ?? defaultEventInput<C, E>;
  const cache = config.cache === false ? undefined : new StateCache<S>(config.cache?.maxStreams ?? 1000);
  const load = async (streamId: string) => {
    const loaded = await store.load<E, S>(streamId, decider, { snapshot, toDomainEvent, from: cache?.get(streamId) });
    cache?.set(streamId, loaded.version, loaded.state);
    return loaded;
  };

  const replayed = async (streamId: string, result: AppendResult): Promise<CommandResult<S>> => {
    const current = await load(streamId);
    return { streamId, nextExpectedVersion: result.nextExpectedVersion, events: result.events, state: current.state, idempotentReplay: true };
  };

  return {
    async handle(streamId, command, options = {}) {
      const idempotencyKey = options.idempotencyKey ?? command.metadata.idempotencyKey;
      let fingerprint: string | undefined;
      if (idempotencyKey !== undefined) {
        fingerprint = commandFingerprint(streamId, command);
        // Before deciding: a retried command must not be decided again against the state it already changed.
        const earlier = await store.idempotentResult(idempotencyKey, fingerprint);
        if (earlier) return replayed(streamId, earlier);
      }
      const perCall = options.toEventInput;
      const pinned = options.expectedVersion !== undefined && options.expectedVersion !== 'any' ? options.expectedVersion : undefined;
      const retries = pinned !== undefined ? 0 : options.conflictRetries ?? config.conflictRetries ?? 3;
      // Optimistic first try on the cached state, without reading: the append's expected version proves it was
      // current. Anything a stale state could get wrong (a conflict, a refusal, "nothing to do") is decided again
      // on a fresh load before it is believed.
      let trustCache = cache !== undefined;
      for (let conflicts = 0; ;) {
        const cached = trustCache ? cache?.get(streamId) : undefined;
        const fresh = cached === undefined;
        const loaded = cached ?? await load(streamId);
        if (pinned !== undefined && !versionMatches(pinned, loaded.version)) {
          if (!fresh) { trustCache = false; continue; }
          throw new ConcurrencyError(streamId, pinned, loaded.version);
        }
        let decided: readonly E[];
        try {
          decided = decider.decide(command, loaded.state);
        } catch (error) {
          if (!fresh) { trustCache = false; continue; }
          throw error;
        }
        if (decided.length === 0) {
          if (!fresh) { trustCache = false; continue; }
          return { streamId, nextExpectedVersion: loaded.version, events: [], state: loaded.state, idempotentReplay: false };
        }
        let inputs: EventInput[];
        try {
          inputs = perCall
            ? await Promise.all(decided.map((event) => perCall.call(options, event, command, loaded.state)))
            : decided.map((event) => toEventInput(event, command));
        } catch (error) {
          if (!fresh) { trustCache = false; continue; } // a stale state may have asked for what the fresh one would not
          throw error;
        }
        try {
          const result = await store.append(streamId, loaded.version === 0 ? 'no_stream' : loaded.version, inputs,
            { idempotencyKey, requestFingerprint: fingerprint, streamType: config.streamType, tenant: options.tenant });
          if (result.idempotentReplay) return replayed(streamId, result);
          // Fold what was stored, mapped as a later load would map it, so the cached state equals a reloaded one.
          const state = result.events.reduce((s, event) => decider.evolve(s, toDomainEvent(event)), loaded.state);
          cache?.set(streamId, result.nextExpectedVersion, state);
          if (snapshot && snapshotDue(snapshot, loaded.version, result.nextExpectedVersion)) {
            store.snapshotLater(streamId, snapshot, state, result.nextExpectedVersion);
          }
          return { streamId, nextExpectedVersion: result.nextExpectedVersion, events: result.events, state, idempotentReplay: false };
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          if (!fresh) { trustCache = false; continue; } // the cache was behind: not a conflict of this command
          if (conflicts >= retries) throw error;
          await jitter(conflicts);
          conflicts += 1;
        }
      }
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
