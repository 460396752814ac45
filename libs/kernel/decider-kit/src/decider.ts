/**
 * What every command carries besides its data. Time and identity arrive here, from the edge, so deciders
 * stay pure: they never read the clock or make ids.
 */
export interface CommandMetadata {
  /** When the command was issued, as an ISO-8601 string. Deciders use it as "now". */
  readonly now: string;
  /** Who asked: a user, an operator or a system, as the edge authenticated it. */
  readonly actor?: string;
  /** Ties together everything done on behalf of one original request. */
  readonly correlationId?: string;
  /** The id of the message (event or command) that caused this command. */
  readonly causationId?: string;
  /** A retry with the same key must have no second effect (the event store enforces it). */
  readonly idempotencyKey?: string;
}

export interface Command<Type extends string = string, Data = unknown, Metadata extends CommandMetadata = CommandMetadata> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: Metadata;
}

/** Optional per-event metadata a decider may set; the command handler fills the rest from the command. */
export interface DomainEventMetadata {
  readonly [key: string]: unknown;
}

export interface Event<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: DomainEventMetadata;
}

/**
 * The whole behaviour of one aggregate: a pure decision and a pure fold. `decide` returns `[]` when the request
 * is already satisfied and throws a DomainError when a rule is broken; `evolve` is total and never throws.
 */
export interface Decider<C, E, S> {
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  readonly initialState: S;
}

/** Folds events onto a state (the initial one by default). */
export function fold<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>, from: S = decider.initialState): S {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Builds a command; handy at the edges and in specs. */
export function command<Type extends string, Data>(type: Type, data: Data, metadata: CommandMetadata): Command<Type, Data> {
  return { type, data, metadata };
}

/** Builds an event without metadata. */
export function event<Type extends string, Data>(type: Type, data: Data): Event<Type, Data> {
  return { type, data };
}
