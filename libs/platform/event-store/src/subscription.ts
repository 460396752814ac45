import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import { SubscriptionLeaseLost } from './errors';
import type { Notifier, Signal } from './notifier';
import { compareCheckpoints, type Reads } from './read';
import { AdvanceInFlight } from './subscription-advance';
import { Prefetch } from './subscription-prefetch';
import { SubscriptionSql } from './subscription-sql';
import type { Queryable } from './queryable';
import type { Checkpoint, Logger, ReadAllPage, RecordedEvent, SubscriptionHandler } from './types';

/**
 * Intervals (lease renewal, idle waits) on a monotonic clock, never the wall clock: a wall clock stepped back (NTP, a
 * host set by hand) would otherwise make a standby runner idle, and a leader skip its renewals, for the whole step.
 */
const monotonicMs = (): number => performance.now();

export interface SubscriptionOptions {
  /** Most events per handler call (default 100). */
  batchSize?: number;
  /** Fallback poll when no notification arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** How long a lease lasts without renewal (default 30 s); renewed every third of it while the runner lives. */
  leaseMs?: number;
  streamTypes?: readonly string[];
  eventTypes?: readonly string[];
  /** Identifies this runner in the lease row (default host:pid:random). */
  owner?: string;
  /** Where a subscription that has no row yet begins: every event (default) or only those committed from now on. */
  startFrom?: 'beginning' | 'now';
  /** Backoff after a failed batch: doubles from initialDelayMs (200) up to maxDelayMs (30 000). */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * Read the next page on a second pooled connection while a full batch's handler runs (default true). The page is
   * used only once that batch committed at exactly the checkpoint it was read after; a failure discards it. The
   * checkpoint never moves before the handler returned, and pages are handled in log order.
   */
  prefetch?: boolean;
  /**
   * Run the handler and the checkpoint advance in one transaction (default true). `false` is for handlers that write
   * nothing to this database (a relay: its effect is elsewhere): the handler gets a client in autocommit mode and the
   * checkpoint moves afterwards in one statement, sparing the BEGIN and COMMIT round trips of every batch.
   */
  transactional?: boolean;
  /**
   * Wait for the WAL flush when a batch commits (default true). `false` sets synchronous_commit off for the batch's
   * transaction only: a database crash may forget the last commits (PostgreSQL bounds it to about three
   * wal_writer_delay), and since a batch's effects and its checkpoint commit together, they are forgotten together
   * and those batches are handled again. Effects outside this database (a relay's Kafka sends) are then repeated:
   * only for handlers whose downstream drops duplicates (consumers dedupe by event id).
   */
  synchronousCommit?: boolean;
  /**
   * With `transactional: false`, start the next full batch's handler while this batch's checkpoint advance is still
   * on its way (default false): a relay's next send overlaps the advance's round trip. The next batch's own advance
   * waits for this one, so checkpoints commit in log order and only for batches whose handler returned; if the
   * advance fails, the batch after it fails too and both are handled again (at-least-once: the handler may have
   * run once more than it would have). Needs a pool of at least three connections to overlap (batch, read ahead,
   * advance); with fewer it still works, one statement after the other.
   */
  overlapAdvance?: boolean;
  /**
   * Called with each page read ahead as soon as it arrives, while the batch before it is still being handled: a
   * handler's pure per-event work (a relay's encoding) can be done there, off the path of the batch in flight. The
   * handler is later given that same array (unless the page is dropped); an error here is ignored.
   */
  prepare?: (events: readonly RecordedEvent[]) => void;
  /** Called for every failure; the batch was rolled back and will be retried. Defaults to the store's logger. */
  onError?: (error: unknown, context: SubscriptionErrorContext) => void;
}

export interface SubscriptionErrorContext {
  subscription: string;
  owner: string;
  /** Consecutive failures so far, starting at 1. */
  attempt: number;
  /** The batch the handler failed on (empty when the failure was not the handler's). */
  events: readonly RecordedEvent[];
}

export interface Subscription {
  readonly name: string;
  readonly owner: string;
  start(): Promise<void>;
  /** Finishes the current batch, releases the lease (another runner takes over at once) and stops. */
  stop(): Promise<void>;
  isLeader(): boolean;
  /** The last checkpoint this runner committed or loaded. */
  checkpoint(): Checkpoint | undefined;
}

interface Deps {
  pool: Pool;
  reads: Reads;
  sql: SubscriptionSql;
  notifier: Notifier;
  logger: Logger;
}

export class SubscriptionRunner implements Subscription {
  readonly owner: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly filtered: boolean;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private leader = false;
  private current: Checkpoint | undefined;
  /** The read horizon the last finished read computed (see Reads): the next read uses it instead of computing one. */
  private horizon: string | undefined;
  private lastRenewal = 0;
  private signalled = false;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly prefetch: Prefetch;
  private readonly transactional: boolean;
  private readonly overlapAdvance: boolean;
  /** The previous batch's advance while it runs (overlapAdvance): the next batch reads after its checkpoint. */
  private advancing: AdvanceInFlight | undefined;

  constructor(
    readonly name: string,
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscriptionOptions,
    private readonly deps: Deps,
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.renewEveryMs = Math.max(50, Math.floor(this.leaseMs / 3));
    this.filtered = Boolean(options.streamTypes?.length || options.eventTypes?.length);
    this.transactional = options.transactional ?? true;
    this.overlapAdvance = !this.transactional && (options.overlapAdvance ?? false);
    this.prefetch = new Prefetch((after) => this.readPage(this.deps.pool, after), options.prepare);
    if (this.batchSize < 1 || this.pollIntervalMs < 1 || this.leaseMs < 100)
      throw new Error('subscription: batchSize >= 1, pollIntervalMs >= 1, leaseMs >= 100');
  }

  isLeader(): boolean {
    return this.leader;
  }

  checkpoint(): Checkpoint | undefined {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    await this.deps.sql.ensure(this.deps.pool, this.name, this.options.startFrom === 'now');
    this.unsubscribe = this.deps.notifier.subscribe((signal) => this.onSignal(signal));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.unsubscribe?.();
  }

  private onSignal(signal: Signal): void {
    if (signal.kind === 'lease' && signal.subscription !== this.name) return;
    this.signalled = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let lastBatch: readonly RecordedEvent[] = [];
    while (!this.stopping) {
      try {
        if (!this.leader) {
          await this.acquire();
          if (!this.leader) {
            await this.idle(Math.min(this.renewEveryMs, 5000));
            continue;
          }
        }
        lastBatch = [];
        const result = await this.processBatch((events) => {
          lastBatch = events;
        });
        failures = 0;
        // A full page, or rows that became readable since the read (its horizon moved): read again at once.
        if (result.full || (result.pending && result.horizonMoved)) continue;
        await this.settleAdvance(); // none is left running while the runner idles
        await this.renewIfDue();
        await this.idle(result.pending ? Math.min(50, this.pollIntervalMs) : this.pollIntervalMs);
      } catch (failure) {
        // The advance of the batch before, if one still runs, decides where the retry starts (the last committed
        // checkpoint); its own failure (a lost lease) is the one that counts.
        const error = await this.settleAdvance().then(() => failure, (advanceError: unknown) => advanceError);
        failures += 1;
        this.report(error, failures, lastBatch);
        this.prefetch.discard(); // read after a batch that did not commit
        if (error instanceof SubscriptionLeaseLost) {
          this.leader = false; // another runner has it: go back to standing by, no backoff needed
          continue;
        }
        const { initialDelayMs = 200, maxDelayMs = 30_000 } = this.options.retry ?? {};
        await this.idle(Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures - 1, 20)), false);
      }
    }
    await this.settleAdvance().catch((error: unknown) => {
      this.report(error, 1, lastBatch);
    });
    await this.prefetch.settle();
    if (this.leader) {
      this.leader = false;
      try {
        await this.deps.sql.release(this.deps.pool, this.name, this.owner);
        this.deps.notifier.leaseReleased(this.name);
      } catch (error) {
        this.report(error, 1, []);
      }
    }
  }

  private async acquire(): Promise<void> {
    const checkpoint = await this.deps.sql.acquire(this.deps.pool, this.name, this.owner, this.leaseMs);
    if (checkpoint) {
      this.leader = true;
      this.current = checkpoint;
      this.lastRenewal = monotonicMs();
    }
  }

  private async renewIfDue(): Promise<void> {
    if (!this.leader || monotonicMs() - this.lastRenewal < this.renewEveryMs) return;
    const renewed = await this.deps.sql.renew(this.deps.pool, this.name, this.owner, this.leaseMs);
    if (!renewed) throw new SubscriptionLeaseLost(this.name, this.owner);
    this.lastRenewal = monotonicMs();
  }

  /** Waits for a signal, a timeout or stop, renewing the lease on the way. `interruptible: false` ignores signals. */
  private async idle(ms: number, interruptible = true): Promise<void> {
    const until = monotonicMs() + ms;
    while (!this.stopping) {
      if (interruptible && this.signalled) break;
      const left = until - monotonicMs();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, this.leader ? this.renewEveryMs : left));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
      try {
        await this.renewIfDue();
      } catch (error) {
        if (error instanceof SubscriptionLeaseLost) this.leader = false;
        this.report(error, 1, []);
        break;
      }
    }
    if (interruptible) this.signalled = false;
  }

  private async processBatch(
    seen: (events: readonly RecordedEvent[]) => void,
  ): Promise<{ full: boolean; pending: boolean; horizonMoved: boolean }> {
    const before = this.advancing?.to ?? this.current;
    if (!before) throw new Error(`subscription ${this.name}: no checkpoint loaded`); // acquire() sets it
    // A page read ahead is as good as one read now: rows below the horizon never change, only more may follow. A
    // signal that came since it was read stays set, so a short page is followed by a fresh read, not an idle poll.
    const ahead = this.prefetch.take(before);
    if (!ahead) this.signalled = false;
    const client = await this.deps.pool.connect();
    let broken: Error | undefined;
    let handedOver = false;
    try {
      if (this.transactional) await client.query('BEGIN');
      const page = await (ahead ?? this.readPage(client, before));
      const advanced = compareCheckpoints(page.checkpoint, before) > 0;
      if (page.events.length === 0 && !(advanced && this.filtered)) {
        if (this.transactional) await client.query('ROLLBACK');
        return { full: false, pending: page.pending, horizonMoved: page.horizonMoved };
      }
      const full = page.events.length === this.batchSize;
      // The next page is read while this batch's handler runs (a relay's send is a network wait); it is taken only
      // if this batch commits at page.checkpoint, so it never moves the checkpoint past an unfinished batch.
      if (full && (this.options.prefetch ?? true)) this.prefetch.start(page.checkpoint);
      if (page.events.length > 0) {
        this.advancing?.throwIfFailed();
        seen(page.events);
        await this.handler(page.events, client);
      }
      await this.settleAdvance(); // the batch before commits first: a checkpoint never passes an unfinished one
      if (this.overlapAdvance && full) {
        this.advancing = this.advanceBehind(client, before, page.checkpoint);
        handedOver = true; // the advance releases the client
        return { full, pending: page.pending, horizonMoved: page.horizonMoved };
      }
      await this.commit(client, before, page.checkpoint);
      this.current = page.checkpoint;
      this.lastRenewal = monotonicMs();
      return { full, pending: page.pending, horizonMoved: page.horizonMoved };
    } catch (error) {
      if (this.transactional)
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      throw error;
    } finally {
      if (!handedOver) client.release(broken);
    }
  }

  /** Starts this batch's advance on its own client, which it keeps until done; the next batch may run meanwhile. */
  private advanceBehind(client: PoolClient, before: Checkpoint, after: Checkpoint): AdvanceInFlight {
    const advance = this.commit(client, before, after)
      .then(() => {
        this.current = after;
        this.lastRenewal = monotonicMs();
      })
      .finally(() => client.release());
    return new AdvanceInFlight(after, advance);
  }

  /** Waits for the advance still running, if any; throws its failure (the batch it belongs to is not committed). */
  private async settleAdvance(): Promise<void> {
    const advancing = this.advancing;
    if (!advancing) return;
    this.advancing = undefined;
    await advancing.settle();
  }

  private async readPage(q: Queryable, after: Checkpoint): Promise<ReadAllPage> {
    const page = await this.deps.reads.readAll(q, {
      after,
      limit: this.batchSize,
      streamTypes: this.options.streamTypes,
      eventTypes: this.options.eventTypes,
      horizon: this.horizon,
    });
    // Horizons only grow, and any one computed by a finished read is safe for a later one: keep the newest.
    if (this.horizon === undefined || BigInt(page.horizon) > BigInt(this.horizon)) this.horizon = page.horizon;
    return page;
  }

  /** Checkpoint and lease renewal, compare-and-set: a runner that lost its lease cannot commit its batch. */
  private async commit(client: PoolClient, before: Checkpoint, after: Checkpoint): Promise<void> {
    const moved = await this.deps.sql.advance(
      client,
      this.name,
      this.owner,
      before,
      after,
      this.leaseMs,
      this.options.synchronousCommit ?? true,
    );
    if (!moved) throw new SubscriptionLeaseLost(this.name, this.owner);
    if (!this.transactional) return; // the advance committed by itself
    const result = await client.query('COMMIT');
    // COMMIT of a transaction that failed earlier (an error the handler swallowed) rolls back without an error.
    if (result.command !== 'COMMIT')
      throw new Error(
        `subscription ${this.name}: the batch transaction was aborted inside the handler and rolled back`,
      );
  }

  private report(error: unknown, attempt: number, events: readonly RecordedEvent[]): void {
    const context: SubscriptionErrorContext = { subscription: this.name, owner: this.owner, attempt, events };
    if (this.options.onError) {
      try {
        this.options.onError(error, context);
      } catch {
        // an observer must not stop the runner
      }
      return;
    }
    this.deps.logger.error(`event store subscription ${this.name} failed (attempt ${attempt}); retrying`, {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      owner: this.owner,
      events: events.length,
    });
  }
}
