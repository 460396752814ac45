import type { Command, Decider, Event } from '@orders/decider-kit';
import type { PoolClient } from 'pg';
import { snapshotDue, type SnapshotPolicy } from './aggregate';
import type { StreamAppend } from './append-many';
import type { Appended, CommandResult, CommandStore } from './command-handler';
import type { StateCache } from './state-cache';
import { withTransaction } from './transaction';
import type { CompanionWrite, EventInput, RecordedEvent } from './types';

/** One command of a batch, on its stream. */
export interface BatchCommand<C extends Command> {
  streamId: string;
  command: C;
}

/** Each command's own outcome: one command's refusal or lost race never fails the others. */
export type BatchCommandResult<S> =
  { readonly ok: true; readonly result: CommandResult<S> } | { readonly ok: false; readonly error: unknown };

export interface HandleManyOptions<S, E extends Event = Event> {
  tenant?: string;
  /** Reload-and-retry rounds for the streams that conflicted (default: the handler's conflictRetries). */
  conflictRetries?: number;
  /**
   * Writes that must commit with the events, for every stream that appended in this round (see HandleOptions'
   * alongside); the round's events and these writes then share one transaction.
   */
  alongside?(tx: PoolClient, appended: readonly (Appended<S, E> & { streamId: string })[]): Promise<void>;
  /**
   * Rows that commit with a round's events in the append's own statement (types.ts, CompanionWrite; its CTE
   * `appended` holds the streams that appended), asked for each round with the indexes (into the commands) of the
   * commands the round appends. A round without anything to append writes nothing. With `alongside`, written
   * inside that transaction; should it fail, the round fails as a whole and nothing of it commits.
   */
  companion?(appending: readonly number[]): CompanionWrite;
}

export interface BatchContext<C extends Command, E extends Event, S> {
  store: CommandStore;
  decider: Decider<C, E, S>;
  streamType: string;
  snapshot?: SnapshotPolicy<S>;
  cache?: StateCache<S>;
  conflictRetries: number;
  toDomainEvent(event: RecordedEvent): E;
  toEventInput(event: E, command: C): EventInput;
}

interface Planned<S> {
  index: number;
  append: StreamAppend;
  from: S;
  fromVersion: number;
}

/**
 * Many commands, each on its own stream, decided by the same pure decider and written together: one read of every
 * stream (snapshot + tail, from the state cache when it holds one), a decision per stream, one statement appending
 * every stream's events with its own expected version. A stream that moved meanwhile is reloaded, decided and
 * appended again on its own in the next round; the others are settled. Commands with idempotency keys belong to
 * `handle`: a batch is exactly-once through the expected versions (a repeated command decides nothing new).
 */
export async function handleMany<C extends Command, E extends Event, S>(
  context: BatchContext<C, E, S>,
  commands: readonly BatchCommand<C>[],
  options: HandleManyOptions<S, E> = {},
): Promise<BatchCommandResult<S>[]> {
  const { store, decider, cache } = context;
  const results: (BatchCommandResult<S> | undefined)[] = commands.map(() => undefined);
  const conflicts = commands.map(() => 0);
  const retries = options.conflictRetries ?? context.conflictRetries;
  let pending = commands.map((_, index) => index);
  while (pending.length > 0) {
    // One command per stream and round: a second one for the same stream is decided on what the first appended.
    const round: number[] = [];
    const later: number[] = [];
    const inRound = new Set<string>();
    for (const index of pending) {
      const { streamId } = commands[index];
      if (inRound.has(streamId)) later.push(index);
      else {
        inRound.add(streamId);
        round.push(index);
      }
    }
    const loaded = await store.loadMany<E, S>(
      [...inRound].map((streamId) => ({ streamId, from: cache?.get(streamId) })),
      decider,
      { snapshot: context.snapshot, toDomainEvent: context.toDomainEvent },
    );
    for (const stream of loaded.values()) cache?.set(stream.streamId, stream.version, stream.state);
    const planned: Planned<S>[] = [];
    for (const index of round) {
      const { streamId, command } = commands[index];
      const { state, version } = loaded.get(streamId) as { state: S; version: number };
      try {
        const decided = decider.decide(command, state);
        if (decided.length === 0) {
          results[index] = {
            ok: true,
            result: { streamId, nextExpectedVersion: version, events: [], state, idempotentReplay: false },
          };
          continue;
        }
        const events = decided.map((event) => context.toEventInput(event, command));
        const append = {
          streamId,
          expected: version === 0 ? ('no_stream' as const) : version,
          events,
          options: { streamType: context.streamType, tenant: options.tenant },
        };
        planned.push({ index, append, from: state, fromVersion: version });
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
    const retry: number[] = [];
    if (planned.length > 0) {
      const outcomes = await appendRound(context, planned, options);
      outcomes.forEach((outcome, n) => {
        const { index, fromVersion, append } = planned[n];
        if (outcome.ok) {
          const { result, state } = outcome;
          cache?.set(append.streamId, result.nextExpectedVersion, state);
          if (context.snapshot && snapshotDue(context.snapshot, fromVersion, result.nextExpectedVersion)) {
            store.snapshotLater(append.streamId, context.snapshot, state, result.nextExpectedVersion);
          }
          results[index] = {
            ok: true,
            result: {
              streamId: append.streamId,
              nextExpectedVersion: result.nextExpectedVersion,
              events: result.events,
              state,
              idempotentReplay: false,
            },
          };
        } else if (conflicts[index]++ < retries) retry.push(index);
        else results[index] = { ok: false, error: outcome.error };
      });
    }
    pending = [...retry, ...later].sort((a, b) => a - b);
    if (retry.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
  }
  return results as BatchCommandResult<S>[];
}

type RoundOutcome<S> =
  | { ok: true; result: { nextExpectedVersion: number; events: RecordedEvent[] }; state: S }
  | { ok: false; error: unknown };

/** One round's append (and the writes alongside it, in the same transaction); each stream's outcome and new state. */
async function appendRound<C extends Command, E extends Event, S>(
  context: BatchContext<C, E, S>,
  planned: readonly Planned<S>[],
  options: HandleManyOptions<S, E>,
): Promise<RoundOutcome<S>[]> {
  const { store, decider } = context;
  const settle = (outcomes: Awaited<ReturnType<CommandStore['appendMany']>>) =>
    outcomes.map((outcome, n): RoundOutcome<S> => {
      if (!outcome.ok) return { ok: false, error: outcome.error };
      // Folded from what was stored, mapped as a later load maps it, so the cached state equals a reloaded one.
      const events = outcome.result.events.map(context.toDomainEvent);
      const state = events.reduce((s, event) => decider.evolve(s, event), planned[n].from);
      return { ok: true, result: outcome.result, state };
    });
  const appends = planned.map((p) => p.append);
  const { alongside } = options;
  const batch = { companion: options.companion?.(planned.map((p) => p.index)) };
  if (!alongside) return settle(await store.appendMany(appends, batch));
  return withTransaction(store.pool, async (tx) => {
    const settled = settle(await store.appendManyWithin(tx, appends, batch));
    const appended = settled.flatMap((outcome, n) =>
      outcome.ok
        ? [
            {
              streamId: planned[n].append.streamId,
              state: outcome.state,
              events: outcome.result.events.map(context.toDomainEvent),
              recorded: outcome.result.events,
              version: outcome.result.nextExpectedVersion,
            },
          ]
        : [],
    );
    if (appended.length > 0) await alongside(tx, appended);
    return settled;
  });
}
