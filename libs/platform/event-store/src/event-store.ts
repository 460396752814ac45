import { subscriptionOverview, type SubscriptionOverview } from './subscription-overview';
import { Pool, type ClientConfig, type PoolClient, type PoolConfig } from 'pg';
import type { Command, Event } from '@orders/decider-kit';
import { createPool } from './pool';
import { Aggregates, type Fold, type LoadedStream, type LoadOptions, type SnapshotPolicy } from './aggregate';
import { AppendStatements, isUniqueViolation, prepareAppend, type AppendOutcome, type PreparedAppend } from './append';
import {
  AppendManyStatement, checkBatch, type AppendManyOptions, type BatchOutcome, type StreamAppend,
  type StreamAppendOutcome,
} from './append-many';
import { createCommandHandler, type CommandHandler, type CommandHandlerConfig, type CommandStore } from './command-handler';
import { AppendNotFirstWrite, ConcurrencyError, IdempotencyKeyReused } from './errors';
import { assertSchemaName, DEFAULT_SCHEMA, runEventStoreMigrations } from './migrations';
import { Notifier } from './notifier';
import { Reads } from './read';
import { SubscriptionRunner, type Subscription, type SubscriptionOptions } from './subscription';
import { SubscriptionSql, type SubscriptionStatus } from './subscription-sql';
import { UpcasterRegistry, type Upcaster } from './upcasters';
import { Verifier, type VerificationResult } from './verify';
import type { Queryable } from './queryable';
import { inSpan, withTraceparent } from './tracing';
import {
  START, type AppendOptions, type AppendResult, type Checkpoint, type EventInput, type ExpectedVersion, type Logger,
  type ReadAllOptions, type ReadAllPage, type ReadStreamOptions, type RecordedEvent, type SubscriptionHandler,
} from './types';

export interface EventStoreOptions {
  /** Connection string or pg pool config: the store then owns its pool and closes it. */
  connection?: string | PoolConfig;
  /** Or an existing pool (left open by close()). LISTEN and migrations use `connection` if given, else the pool's options. */
  pool?: Pool;
  /** PostgreSQL schema holding the store's tables (default `event_store`). */
  schema?: string;
  upcasters?: readonly Upcaster[];
  /** Named prepared statements (default true); turn off behind a proxy that cannot keep them. */
  preparedStatements?: boolean;
  /** LISTEN for appends of other processes, NOTIFY after ours (both default true). Readers poll either way. */
  notifications?: { listen?: boolean; publish?: boolean };
  logger?: Logger;
  /** The time used for events' default occurredAt and UUIDv7 ids. */
  clock?: () => Date;
}

const consoleLogger: Logger = {
  warn: (message, context) => console.warn(message, context ?? ''),
  error: (message, context) => console.error(message, context ?? ''),
};

const ORDER_RETRIES = 5;
const TRACER = '@orders/event-store';

export class EventStore implements CommandStore {
  readonly schema: string;
  readonly pool: Pool;
  readonly upcasters: UpcasterRegistry;
  private readonly ownsPool: boolean;
  private readonly connection: ClientConfig;
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly appends: AppendStatements;
  private readonly batchAppends: AppendManyStatement;
  private readonly reads: Reads;
  private readonly aggregates: Aggregates;
  private readonly verifier: Verifier;
  private readonly subscriptionSql: SubscriptionSql;
  private readonly notifier: Notifier;
  private readonly subscriptions = new Set<SubscriptionRunner>();
  private readonly background = new Set<Promise<void>>();
  private closed = false;

  /** Builds the store and runs its migrations. */
  static async create(options: EventStoreOptions): Promise<EventStore> {
    const store = new EventStore(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Builds the store without touching the database; call migrate() unless the schema is known to be current. */
  constructor(options: EventStoreOptions) {
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    assertSchemaName(this.schema);
    const config: PoolConfig | undefined = typeof options.connection === 'string' ? { connectionString: options.connection } : options.connection;
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else if (config) {
      this.pool = createPool(config, (error) => this.logger.warn('event store: an idle database connection failed', { error: String(error) }));
      this.ownsPool = true;
    } else {
      throw new Error('event store: give a connection or a pool');
    }
    this.connection = config ?? (this.pool as Pool & { options: ClientConfig }).options;
    this.logger = options.logger ?? consoleLogger;
    this.clock = options.clock ?? (() => new Date());
    const prepared = options.preparedStatements ?? true;
    this.upcasters = new UpcasterRegistry(options.upcasters);
    this.appends = new AppendStatements(this.schema, prepared);
    this.batchAppends = new AppendManyStatement(this.schema, prepared);
    this.reads = new Reads(this.schema, prepared, this.upcasters);
    this.aggregates = new Aggregates(this.schema, prepared, this.reads);
    this.verifier = new Verifier(this.schema);
    const channel = `${this.schema}_events`;
    this.subscriptionSql = new SubscriptionSql(this.schema, channel, prepared);
    this.notifier = new Notifier(this.pool, this.connection, channel,
      { listen: options.notifications?.listen ?? true, publish: options.notifications?.publish ?? true }, this.logger);
  }

  /** Runs pending migrations (TypeORM); returns the names of those that ran. */
  migrate(): Promise<string[]> {
    return runEventStoreMigrations(this.connection, this.schema);
  }

  /**
   * Appends in one statement, in its own transaction (one round trip). Throws ConcurrencyError when the stream is
   * not at `expected` (nothing written), IdempotencyKeyReused when the key was used for another request.
   */
  append(
    streamId: string, expected: ExpectedVersion, events: readonly EventInput[], options: AppendOptions = {},
  ): Promise<AppendResult> {
    return this.traced('append', streamId, expected, events, (traced) => this.appendNow(streamId, expected, traced, options));
  }

  private async appendNow(
    streamId: string, expected: ExpectedVersion, events: readonly EventInput[], options: AppendOptions,
  ): Promise<AppendResult> {
    const prepared = this.prepare(streamId, expected, events, options);
    if (prepared.events.length === 0) return this.emptyAppend(this.pool, prepared);
    for (let attempt = 0; ; attempt++) {
      let outcome: AppendOutcome;
      try {
        outcome = await this.appends.run(this.pool, prepared, false);
      } catch (error) {
        // Two appends with one key raced; the loser rolled back entirely and returns the winner's result.
        if (prepared.idempotencyKey && prepared.fingerprint && isUniqueViolation(error, 'idempotency_keys_pkey')) {
          const earlier = await this.idempotentResult(prepared.idempotencyKey, prepared.fingerprint);
          if (earlier) return earlier;
        }
        throw error;
      }
      if (outcome.kind === 'appended') {
        this.notifier.appended();
        return this.result(prepared, outcome);
      }
      if (outcome.kind === 'conflict' && outcome.commitOrder && attempt < ORDER_RETRIES) continue; // a new transaction gets a newer id
      return this.failure(prepared, outcome);
    }
  }

  /**
   * Appends inside the caller's open transaction (for "inbox row + append" atomically). The append must be the
   * transaction's first write: append first, write the other rows after, or get AppendNotFirstWrite. Readers are
   * notified when the caller commits. On any error the caller must roll back.
   */
  appendWithin(
    client: PoolClient | Queryable, streamId: string, expected: ExpectedVersion, events: readonly EventInput[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return this.traced('append within', streamId, expected, events,
      (traced) => this.appendWithinNow(client, streamId, expected, traced, options));
  }

  private async appendWithinNow(
    client: PoolClient | Queryable, streamId: string, expected: ExpectedVersion, events: readonly EventInput[], options: AppendOptions,
  ): Promise<AppendResult> {
    const prepared = this.prepare(streamId, expected, events, options);
    if (prepared.events.length === 0) return this.emptyAppend(client, prepared);
    let outcome: AppendOutcome;
    try {
      outcome = await this.appends.run(client, prepared, true);
    } catch (error) {
      if (prepared.idempotencyKey && isUniqueViolation(error, 'idempotency_keys_pkey')) {
        throw new ConcurrencyError(streamId, expected, undefined,
          `idempotency key ${prepared.idempotencyKey} was recorded by a concurrent transaction; roll back and retry to get its result`);
      }
      throw error;
    }
    if (outcome.kind === 'appended') {
      this.notifier.appended(false); // in-process readers re-check; they only see the events once the caller commits
      return this.result(prepared, outcome);
    }
    return this.failure(prepared, outcome);
  }

  /**
   * Appends to many streams in one statement, in its own transaction (one round trip, one multi-row INSERT), each
   * stream checked on its own expected version: a stream that moved gets a ConcurrencyError in its outcome and the
   * others are appended all the same. For batched commands (timers firing, say); no idempotency keys. A companion
   * write commits in the same statement, with the streams that appended.
   */
  appendMany(appends: readonly StreamAppend[], options: AppendManyOptions = {}): Promise<StreamAppendOutcome[]> {
    return this.tracedMany('append many', appends, async (prepared) => {
      const outcome = await this.batchAppends.run(this.pool, prepared, false, options.companion);
      const outcomes = this.batchOutcomes(prepared, outcome);
      if (outcomes.some((o) => o.ok)) this.notifier.appended();
      return outcomes;
    });
  }

  /**
   * appendMany inside the caller's open transaction, as its first write (see appendWithin). The appended streams
   * commit with the caller; the conflicting ones wrote nothing. A companion write that fails fails the statement,
   * and with it the caller's transaction.
   */
  appendManyWithin(
    client: PoolClient | Queryable, appends: readonly StreamAppend[], options: AppendManyOptions = {},
  ): Promise<StreamAppendOutcome[]> {
    return this.tracedMany('append many within', appends, async (prepared) => {
      const run = await this.batchAppends.run(client, prepared, true, options.companion);
      const outcomes = this.batchOutcomes(prepared, run);
      if (outcomes.some((o) => o.ok)) this.notifier.appended(false);
      return outcomes;
    });
  }

  /**
   * The recorded result of an earlier append with this key, read back from the log; undefined when the key is new.
   * Throws IdempotencyKeyReused when the key was used for a request with another fingerprint.
   */
  async idempotentResult(idempotencyKey: string, fingerprint: string): Promise<AppendResult | undefined> {
    const { rows } = await this.pool.query<{ stream_id: string; request_fingerprint: string; first_version: string; last_version: string }>({
      text: `SELECT stream_id, request_fingerprint, first_version, last_version FROM "${this.schema}".idempotency_keys WHERE idempotency_key = $1`,
      values: [idempotencyKey],
    });
    const row = rows[0];
    if (!row) return undefined;
    if (row.request_fingerprint !== fingerprint) throw new IdempotencyKeyReused(idempotencyKey, row.stream_id);
    return this.replay(row.stream_id, Number(row.first_version), Number(row.last_version));
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.reads.readStream(this.pool, streamId, options);
  }

  /** A page of the global log in commit-safe order, after a checkpoint (START by default). */
  readAll(options?: ReadAllOptions): Promise<ReadAllPage> {
    return this.reads.readAll(this.pool, options);
  }

  /** The stream's current version, 0 when it does not exist. */
  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: string }>({
      text: `SELECT version FROM "${this.schema}".streams WHERE stream_id = $1`, values: [streamId] });
    return rows[0] ? Number(rows[0].version) : 0;
  }

  /**
   * Folds a stream (from its snapshot when a policy is given, then the tail). Writes a fresh snapshot in the
   * background when the tail was at least `every` events long. With `asOf`, the state at that instant.
   */
  async load<E, S>(streamId: string, fold: Fold<E, S>, options: LoadOptions<E, S> = {}): Promise<LoadedStream<S>> {
    const loaded = await this.aggregates.load(options.within ?? this.pool, streamId, fold, options);
    if (options.snapshot && !options.asOf && options.snapshot.every >= 1 && loaded.eventsFolded >= options.snapshot.every) {
      this.snapshotLater(streamId, options.snapshot, loaded.state, loaded.version);
    }
    return loaded;
  }

  /** load for many streams in one round trip (a batch of commands); snapshots refreshed as load does. */
  async loadMany<E, S>(
    streams: readonly { streamId: string; from?: { version: number; state: S } }[], fold: Fold<E, S>,
    options: Pick<LoadOptions<E, S>, 'snapshot' | 'toDomainEvent'> = {},
  ): Promise<Map<string, LoadedStream<S>>> {
    const loaded = await this.aggregates.loadMany(this.pool, streams, fold, options);
    const policy = options.snapshot;
    if (policy && policy.every >= 1) {
      for (const stream of loaded.values()) {
        if (stream.eventsFolded < policy.every) continue;
        this.snapshotLater(stream.streamId, policy, stream.state, stream.version);
      }
    }
    return loaded;
  }

  /** Writes a snapshot now. */
  writeSnapshot<S>(streamId: string, policy: SnapshotPolicy<S>, state: S, streamVersion: number): Promise<void> {
    return this.aggregates.writeSnapshot(this.pool, streamId, policy, state, streamVersion);
  }

  /** Writes a snapshot off the command's path; close() waits for it; a failure is logged (the next load retries). */
  snapshotLater<S>(streamId: string, policy: SnapshotPolicy<S>, state: S, version: number): void {
    if (this.closed) return;
    const task = this.writeSnapshot(streamId, policy, state, version)
      .catch((error: unknown) => this.logger.warn(`event store: snapshot of ${streamId} at v${version} failed`, { error: String(error) }))
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  commandHandler<C extends Command, E extends Event, S>(config: CommandHandlerConfig<C, E, S>): CommandHandler<C, S, E> {
    return createCommandHandler(this, config);
  }

  /** A named, checkpointed, leased reader; call start(). close() stops every subscription this store made. */
  subscribe(name: string, handler: SubscriptionHandler, options: SubscriptionOptions = {}): Subscription {
    const runner = new SubscriptionRunner(name, handler, options, {
      pool: this.pool, reads: this.reads, sql: this.subscriptionSql, notifier: this.notifier, logger: this.logger,
    });
    this.subscriptions.add(runner);
    return runner;
  }

  subscriptionStatus(name: string): Promise<SubscriptionStatus | undefined> {
    return this.subscriptionSql.status(this.pool, name);
  }

  /** Moves a subscription's checkpoint (START replays everything, e.g. to rebuild a read model). */
  resetSubscription(name: string, to: Checkpoint = START): Promise<boolean> {
    return this.subscriptionSql.reset(this.pool, name, to);
  }

  verifyStream(streamId: string): Promise<VerificationResult> {
    return this.verifier.verifyStream(this.pool, streamId);
  }

  /** Every subscription with its checkpoint, how far behind the log it is and its live lease holder. */
  subscriptionOverview(): Promise<SubscriptionOverview[]> {
    return subscriptionOverview(this.pool, this.schema);
  }

  /**
   * The streams an id names: itself, or else every stream ending with `-<id>` (an operator has the order id, not
   * each service's stream prefix). Shared by `ops verify` and the services' `/ops` routes.
   */
  async streamsNamed(id: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ stream_id: string }>({
      text: `SELECT stream_id FROM "${this.schema}".streams
        WHERE stream_id = $1 OR right(stream_id, length($1) + 1) = '-' || $1 ORDER BY stream_id`,
      values: [id],
    });
    const ids = rows.map((r) => r.stream_id);
    return ids.includes(id) ? [id] : ids;
  }

  verifyAll(options?: { limit?: number }): Promise<VerificationResult> {
    return this.verifier.verifyAll(this.pool, options);
  }

  /** Forgets idempotency keys recorded before a time; returns how many. */
  async purgeIdempotencyKeys(recordedBefore: Date): Promise<number> {
    const { rowCount } = await this.pool.query({
      text: `DELETE FROM "${this.schema}".idempotency_keys WHERE created_at < $1`, values: [recordedBefore] });
    return rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await Promise.all([...this.background]);
    await this.notifier.close();
    if (this.ownsPool) await this.pool.end();
  }

  /**
   * The append in a span of its own (a child of the command's, when a command handler appends), and the events with
   * that span's traceparent in their metadata: the relay continues the trace from there into Kafka.
   */
  private traced(
    operation: string, streamId: string, expected: ExpectedVersion, events: readonly EventInput[],
    append: (traced: readonly EventInput[]) => Promise<AppendResult>,
  ): Promise<AppendResult> {
    const attributes = {
      'db.system.name': 'postgresql', 'event_store.schema': this.schema, 'event_store.stream_id': streamId,
      'event_store.expected_version': String(expected), 'event_store.events': events.length,
    };
    return inSpan(TRACER, `event-store ${operation}`, { attributes }, async (span) => {
      const result = await append(withTraceparent(events));
      if (span.isRecording()) {
        span.setAttributes({
          'event_store.stream_type': result.streamType, 'event_store.next_version': result.nextExpectedVersion,
          'event_store.idempotent_replay': result.idempotentReplay,
        });
      }
      return result;
    });
  }

  private async tracedMany(
    operation: string, appends: readonly StreamAppend[],
    run: (prepared: PreparedAppend[]) => Promise<StreamAppendOutcome[]>,
  ): Promise<StreamAppendOutcome[]> {
    checkBatch(appends);
    if (appends.length === 0) return [];
    const attributes = {
      'db.system.name': 'postgresql', 'event_store.schema': this.schema, 'event_store.streams': appends.length,
      'event_store.events': appends.reduce((n, a) => n + a.events.length, 0),
    };
    return inSpan(TRACER, `event-store ${operation}`, { attributes }, (span) => {
      const prepared = appends.map((a) =>
        this.prepare(a.streamId, a.expected, withTraceparent(a.events), a.options ?? {}));
      return run(prepared).then((outcomes) => {
        if (span.isRecording()) span.setAttribute('event_store.conflicts', outcomes.filter((o) => !o.ok).length);
        return outcomes;
      });
    });
  }

  private batchOutcomes(prepared: readonly PreparedAppend[], outcome: BatchOutcome): StreamAppendOutcome[] {
    if (outcome.kind === 'not_first_write') throw new AppendNotFirstWrite(prepared.map((p) => p.streamId).join(', '));
    return outcome.outcomes;
  }

  private prepare(streamId: string, expected: ExpectedVersion, events: readonly EventInput[], options: AppendOptions): PreparedAppend {
    if (this.closed) throw new Error('event store is closed');
    return prepareAppend(streamId, expected, events, options, (type) => this.upcasters.currentSchemaVersion(type), this.clock());
  }

  private result(prepared: PreparedAppend, outcome: Extract<AppendOutcome, { kind: 'appended' }>): AppendResult {
    return {
      streamId: prepared.streamId, streamType: outcome.streamType, nextExpectedVersion: outcome.nextExpectedVersion,
      firstVersion: outcome.firstVersion, transactionId: outcome.transactionId, events: outcome.events, idempotentReplay: false,
    };
  }

  private async failure(prepared: PreparedAppend, outcome: Exclude<AppendOutcome, { kind: 'appended' }>): Promise<AppendResult> {
    switch (outcome.kind) {
      case 'not_first_write':
        throw new AppendNotFirstWrite(prepared.streamId);
      case 'known':
        if (outcome.fingerprint !== prepared.fingerprint) throw new IdempotencyKeyReused(prepared.idempotencyKey ?? '', outcome.streamId);
        return this.replay(outcome.streamId, outcome.firstVersion, outcome.lastVersion);
      case 'conflict':
        throw new ConcurrencyError(prepared.streamId, prepared.expected, outcome.seenVersion, outcome.commitOrder
          ? `stream ${prepared.streamId}: a transaction with a newer id appended first; retry in a new transaction (commit-order guard)`
          : undefined);
    }
  }

  private async replay(streamId: string, firstVersion: number, lastVersion: number): Promise<AppendResult> {
    const events = await this.reads.readStream(this.pool, streamId, { fromVersion: firstVersion, toVersion: lastVersion });
    return {
      streamId, streamType: events[0]?.streamType ?? '', nextExpectedVersion: lastVersion, firstVersion,
      transactionId: events[0]?.transactionId ?? '', events, idempotentReplay: true,
    };
  }

  private async emptyAppend(q: Queryable, prepared: PreparedAppend): Promise<AppendResult> {
    const { rows } = await q.query<{ version: string; stream_type: string }>({
      text: `SELECT version, stream_type FROM "${this.schema}".streams WHERE stream_id = $1`, values: [prepared.streamId] });
    const version = rows[0] ? Number(rows[0].version) : 0;
    const ok = prepared.kind === 'any' || (prepared.kind === 'no_stream' ? version === 0 : version === prepared.expectedNumber);
    if (!ok) throw new ConcurrencyError(prepared.streamId, prepared.expected, version);
    return {
      streamId: prepared.streamId, streamType: rows[0]?.stream_type ?? prepared.streamType, nextExpectedVersion: version,
      firstVersion: version + 1, transactionId: '', events: [], idempotentReplay: false,
    };
  }
}
