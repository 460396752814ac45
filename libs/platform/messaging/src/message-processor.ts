import type { Pool, PoolClient } from 'pg';
import type { BatchHandler } from './batch-handler';
import { backoffDelay, pause, type RetryPolicy } from './backoff';
import { decodeFailure, type Failure } from './dead-letter';
import { messageIdOf } from './decoder';
import { envelopeProblem } from '@orders/contracts';
import { isCausedByContent, isInfrastructureFailure, summarize } from './errors';
import type { Inbox } from './inbox/inbox';
import type { MessagingLogger } from './kafka';
import { chunkLogFields, messageLogFields, type LogFields, type LogScope } from './log-scope';
import * as metrics from './metrics';
import { handleInSharedTransaction, type SharedOutcome } from './shared-transaction';
import { inConsumerSpan, startChunkSpans, type ChunkSpans } from './tracing';
import type { Decoder, HandlerContext, InboundMessage, MessageHandler, RawMessage } from './types';

export type Outcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered' | 'abandoned';

export interface ProcessorDeps {
  groupId: string;
  pool: Pool;
  inbox: Inbox;
  handle: MessageHandler;
  /** When set, a chunk goes to this handler in one call (its messages already filtered by the inbox). */
  handleBatch?: BatchHandler;
  decode: Decoder;
  /** Types this group handles; others are skipped without a transaction. */
  accepts?: (type: string) => boolean;
  retry: RetryPolicy;
  isRetryable: (error: unknown) => boolean;
  deadLetter: (raw: RawMessage, messageId: string, failure: Failure) => Promise<void>;
  onHandled?: (message: InboundMessage, outcome: 'handled' | 'duplicate') => void | Promise<void>;
  logger: MessagingLogger;
  /** Binds the message's ids to every log line of its handling (the service kit's pino scope). */
  logScope?: LogScope;
}

/** A failure of the plumbing around the handler (PostgreSQL, the DLQ producer): retried without bound. */
class InfrastructureFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'InfrastructureFailure';
  }
}

const UNIQUE_VIOLATION = '23505';
const IN_FAILED_TRANSACTION = '25P02';

/** What a run needs from its consumer: the stop signal, whether to stop, and where to resolve settled offsets. */
export interface Run {
  signal: AbortSignal;
  stopped: () => boolean;
  /** Called after each commit (or dead letter) with the last offset settled so far, in order. */
  resolved: (offset: string) => Promise<void>;
  /** Keeps the group session alive during a long run; must not throw. */
  heartbeat: () => Promise<void>;
}

type Stretch = Array<{ raw: RawMessage; prepared: Prepared }>;

type Prepared =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'skip' }
  | { kind: 'dead-letter'; id: string; failure: Failure };

/**
 * One message's life: decode, then attempts of [BEGIN + inbox read, handler, inbox insert + COMMIT] until it is
 * handled, known, dead-lettered, or the consumer stops (then it stays uncommitted and comes back later).
 */
export class MessageProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  /** One message, in its log scope and its CONSUMER span (when tracing is on). */
  process(raw: RawMessage, signal: AbortSignal): Promise<Outcome> {
    return this.scoped(messageLogFields(raw, this.deps.groupId), () =>
      inConsumerSpan(raw, this.deps.groupId, async (span) => {
        const outcome = await this.processOne(raw, signal);
        span?.setAttribute('messaging.outcome', outcome);
        return outcome;
      }),
    );
  }

  private async processOne(raw: RawMessage, signal: AbortSignal, firstFailure?: { error: unknown }): Promise<Outcome> {
    const prepared = this.prepare(raw);
    if (prepared.kind === 'skip') return this.skip(raw);
    if (prepared.kind === 'dead-letter') return this.deadLetter(raw, prepared.id, prepared.failure, signal);
    const { message } = prepared;
    const labels = { group: this.deps.groupId, topic: raw.topic };
    let failures = 0;
    // a failure inside a shared transaction was this message's first attempt: it counts as one, as it would alone
    let failed = firstFailure;
    for (let attempt = 1; ;) {
      try {
        if (failed) throw failed.error;
        const timer = metrics.handlerDuration.startTimer(labels);
        const outcome = await this.attempt(message, attempt).finally(timer);
        await this.settled(message, outcome);
        return outcome;
      } catch (error) {
        failed = undefined;
        failures += 1;
        if (error instanceof InfrastructureFailure) {
          this.deps.logger.warn(
            `consumer ${this.deps.groupId}: infrastructure failure at ${raw.topic}/${raw.partition}@${raw.offset}; retrying`,
            { error: error.message },
          );
        } else if (isPermanent(error, this.deps.isRetryable) || attempt >= this.deps.retry.attempts) {
          const classification = isPermanent(error, this.deps.isRetryable) ? 'non-retryable' : 'retries-exhausted';
          return this.deadLetter(
            raw,
            message.id,
            { classification, error: summarize(error), attempts: attempt },
            signal,
          );
        } else {
          metrics.retried.inc(labels);
          attempt += 1;
        }
        if (!(await pause(backoffDelay(this.deps.retry, failures), signal))) return 'abandoned';
      }
    }
  }

  /**
   * A run of one partition's messages (a Kafka batch's slice), in order, sharing transactions: the longest stretch
   * without a dead letter is handled in one shared transaction; a message whose handler fails is isolated (the ones
   * before it commit without it, it goes through the one-per-transaction path with its retries and dead letters,
   * then the rest continue shared). `resolved` is called with the last offset settled, after each commit.
   * 'abandoned' when the consumer stopped during a retry wait (that message and the rest stay uncommitted).
   */
  processRun(raws: RawMessage[], run: Run): Promise<'done' | 'abandoned'> {
    return this.scoped(chunkLogFields(raws, this.deps.groupId), async () => {
      const prepared = raws.map((raw) => this.prepare(raw));
      for (let start = 0; start < raws.length;) {
        if (run.stopped()) return 'abandoned';
        const first = prepared[start];
        if (first.kind === 'dead-letter') {
          const outcome = await this.deadLetter(raws[start], first.id, first.failure, run.signal);
          if (outcome === 'abandoned') return 'abandoned';
          await run.resolved(raws[start].offset);
          start += 1;
          continue;
        }
        let end = start;
        const stretch: Stretch = [];
        for (; end < raws.length && prepared[end].kind !== 'dead-letter'; end += 1) {
          stretch.push({ raw: raws[end], prepared: prepared[end] });
        }
        for (const item of stretch) if (item.prepared.kind === 'skip') this.skip(item.raw);
        const settled = this.shareTransactions ? this.shareStretch(stretch, run) : this.oneByOne(stretch, run);
        if ((await settled) === 'abandoned') return 'abandoned';
        start = end;
      }
      return 'done';
    });
  }

  /** Whether shared transactions are still in use (a handler that appends to an event store turns them off). */
  get sharing(): boolean {
    return this.shareTransactions;
  }

  private shareTransactions = true;

  private async shareStretch(stretch: Stretch, run: Run): Promise<'done' | 'abandoned'> {
    if (stretch.length === 0) return 'done';
    if (run.stopped()) return 'abandoned';
    const messages: InboundMessage[] = [];
    const raws: RawMessage[] = [];
    const positions: number[] = []; // position in the stretch of each message (skipped ones have none)
    for (const [i, item] of stretch.entries()) {
      if (item.prepared.kind !== 'message') continue;
      messages.push(item.prepared.message);
      raws.push(item.raw);
      positions.push(i);
    }
    const last = stretch[stretch.length - 1].raw.offset;
    if (messages.length === 0) {
      await run.resolved(last);
      return 'done';
    }
    const outcome = await this.sharedTransaction(messages, raws, run);
    if (outcome.kind === 'stopped') return 'abandoned';
    if (outcome.kind === 'committed') {
      await this.settledRun(messages, outcome.outcomes);
      await run.resolved(last);
      return 'done';
    }
    if (outcome.kind === 'unattributed') return this.oneByOne(stretch, run);
    const at = positions[outcome.index];
    // the messages before the failing one, again without it (a retry of a shared transaction that rolled back)
    if ((await this.shareStretch(stretch.slice(0, at), run)) === 'abandoned') return 'abandoned';
    const failing = stretch[at].raw;
    let firstFailure: { error: unknown } | undefined = { error: outcome.error };
    if (isAppendNotFirstWrite(outcome.error)) {
      this.stopSharing();
      firstFailure = undefined; // not the message's fault: its attempts start in its own transaction
    }
    const settled = await this.scoped(messageLogFields(failing, this.deps.groupId), () =>
      inConsumerSpan(failing, this.deps.groupId, () => this.processOne(failing, run.signal, firstFailure)),
    );
    if (settled === 'abandoned') return 'abandoned';
    await run.resolved(failing.offset);
    const rest = stretch.slice(at + 1);
    return this.shareTransactions ? this.shareStretch(rest, run) : this.oneByOne(rest, run);
  }

  /** The fallback: each message of a stretch in its own transaction (skipped ones were counted already). */
  private async oneByOne(stretch: Stretch, run: Run): Promise<'done' | 'abandoned'> {
    for (const { raw, prepared } of stretch) {
      if (run.stopped()) return 'abandoned';
      if (prepared.kind === 'message' && (await this.process(raw, run.signal)) === 'abandoned') return 'abandoned';
      await run.resolved(raw.offset);
    }
    return 'done';
  }

  private async sharedTransaction(messages: InboundMessage[], raws: RawMessage[], run: Run): Promise<SharedOutcome> {
    const spans = startChunkSpans(raws, this.deps.groupId);
    const timer = metrics.handlerDuration.startTimer({ group: this.deps.groupId, topic: messages[0].topic });
    let outcome: SharedOutcome | undefined;
    try {
      outcome = await handleInSharedTransaction(
        {
          pool: this.deps.pool,
          inbox: this.deps.inbox,
          groupId: this.deps.groupId,
          handle: this.runHandler,
          stopped: run.stopped,
          heartbeat: run.heartbeat,
        },
        messages,
        spans,
      );
      return outcome;
    } finally {
      timer();
      spans?.end(outcome?.kind === 'committed' ? undefined : new Error('the shared transaction rolled back; retried'));
    }
  }

  /**
   * A handler that appends to an event store needs its own transaction (the append must be its first write):
   * from now on this consumer handles one message per transaction.
   */
  private stopSharing(): void {
    if (!this.shareTransactions) return;
    this.shareTransactions = false;
    this.deps.logger.info?.(
      `consumer ${this.deps.groupId}: its handler appends to an event store; one message per transaction from now on`,
    );
  }

  /**
   * Several messages of one partition in ONE transaction: one inbox read, then either the batch handler once for
   * the messages not yet handled (it may append to an event store first: nothing was written before it) or the
   * message handler for each in order (handlers that only write rows), one inbox insert, one COMMIT. Anything
   * unusual (a decode failure, a handler error, a concurrent duplicate) rolls the whole chunk back and returns
   * false: the caller then processes the chunk message by message, with the usual retries and dead letters.
   */
  processChunk(raws: RawMessage[]): Promise<boolean> {
    return this.scoped(chunkLogFields(raws, this.deps.groupId), () => this.processChunkInScope(raws));
  }

  private async processChunkInScope(raws: RawMessage[]): Promise<boolean> {
    const prepared = raws.map((raw) => this.prepare(raw));
    if (prepared.some((p) => p.kind === 'dead-letter')) return false;
    const messages = prepared.flatMap((p) => (p.kind === 'message' ? [p.message] : []));
    for (const [i, p] of prepared.entries()) if (p.kind === 'skip') this.skip(raws[i]);
    if (messages.length === 0) return true;
    const spans = startChunkSpans(
      raws.filter((_, i) => prepared[i].kind === 'message'),
      this.deps.groupId,
    );
    let failure: unknown;
    try {
      const committed = await this.commitChunk(messages, spans);
      if (!committed) failure = new Error('the chunk was rolled back; its messages are handled one by one');
      return committed;
    } finally {
      spans?.end(failure);
    }
  }

  private async commitChunk(messages: InboundMessage[], spans: ChunkSpans | undefined): Promise<boolean> {
    const outcomes: Array<'handled' | 'duplicate'> = [];
    const timer = metrics.handlerDuration.startTimer({ group: this.deps.groupId, topic: messages[0].topic });
    let tx: PoolClient;
    try {
      tx = await this.deps.pool.connect();
    } catch {
      return false;
    }
    let broken: Error | undefined;
    try {
      await tx.query('BEGIN');
      const known = await this.deps.inbox.known(
        tx,
        this.deps.groupId,
        messages.map((m) => m.id),
      );
      const fresh: { message: InboundMessage; index: number }[] = [];
      for (const [index, message] of messages.entries()) {
        // a relay resend can put one event twice in a chunk: the second is a duplicate like any other
        if (known.has(message.id)) {
          outcomes.push('duplicate');
          continue;
        }
        known.add(message.id);
        fresh.push({ message, index });
        outcomes.push('handled');
      }
      const freshMessages = fresh.map((f) => f.message);
      if (this.deps.handleBatch) {
        if (fresh.length > 0) await this.deps.handleBatch(freshMessages, { tx, attempt: 1 });
      } else {
        for (const { message, index } of fresh) {
          const handle = () => this.deps.handle(message, { tx, message, attempt: 1 });
          await (spans ? spans.run(index, handle) : handle());
        }
      }
      if (!(await this.deps.inbox.commitAll(tx, this.deps.groupId, freshMessages)).committed) return false;
    } catch {
      await tx.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      return false;
    } finally {
      tx.release(broken);
      timer();
    }
    for (const [i, message] of messages.entries()) await this.settled(message, outcomes[i]);
    return true;
  }

  private scoped<T>(fields: LogFields, work: () => Promise<T>): Promise<T> {
    return this.deps.logScope ? this.deps.logScope(fields, work) : work();
  }

  private prepare(raw: RawMessage): Prepared {
    // Before the decoder and the database: an envelope header that is repeated, not UTF-8, holds a control
    // character or is too long would reach the inbox key (a NUL there broke the inbox query and held the partition).
    const problem = envelopeProblem(raw.rawHeaders ?? raw.headers);
    if (problem !== undefined)
      return {
        kind: 'dead-letter',
        id: `${raw.topic}/${raw.partition}/${raw.offset}`,
        failure: decodeFailure('malformed', problem),
      };
    let decoded;
    try {
      decoded = this.deps.decode(raw);
    } catch (error) {
      decoded = {
        ok: false as const,
        classification: 'malformed' as const,
        reason: `decoder threw: ${summarize(error).message}`,
      };
    }
    if (!decoded.ok) {
      if (decoded.classification === 'ignored') return { kind: 'skip' };
      return {
        kind: 'dead-letter',
        id: messageIdOf(raw),
        failure: decodeFailure(decoded.classification, decoded.reason),
      };
    }
    if (this.deps.accepts && !this.deps.accepts(decoded.type)) return { kind: 'skip' };
    return {
      kind: 'message',
      message: {
        id: messageIdOf(raw, decoded),
        type: decoded.type,
        payload: decoded.payload,
        key: raw.key,
        headers: raw.headers,
        topic: raw.topic,
        partition: raw.partition,
        offset: raw.offset,
        timestamp: raw.timestamp,
      },
    };
  }

  private skip(raw: RawMessage): 'skipped' {
    metrics.skipped.inc({ group: this.deps.groupId, topic: raw.topic });
    return 'skipped';
  }

  private async settled(message: InboundMessage, outcome: 'handled' | 'duplicate'): Promise<void> {
    if (outcome === 'duplicate') metrics.duplicates.inc({ group: this.deps.groupId, topic: message.topic });
    else metrics.handled.inc({ group: this.deps.groupId, topic: message.topic, type: message.type });
    await this.observed(message, outcome);
  }

  /** A committed shared run: the counters once per type (not per message), then the hook for each, in order. */
  private async settledRun(
    messages: readonly InboundMessage[],
    outcomes: ReadonlyArray<'handled' | 'duplicate'>,
  ): Promise<void> {
    const { groupId } = this.deps;
    const topic = messages[0].topic;
    const handledByType = new Map<string, number>();
    let duplicates = 0;
    for (let i = 0; i < messages.length; i += 1) {
      if (outcomes[i] === 'duplicate') duplicates += 1;
      else handledByType.set(messages[i].type, (handledByType.get(messages[i].type) ?? 0) + 1);
    }
    if (duplicates > 0) metrics.duplicates.inc({ group: groupId, topic }, duplicates);
    for (const [type, count] of handledByType) metrics.handled.inc({ group: groupId, topic, type }, count);
    if (!this.deps.onHandled) return;
    for (let i = 0; i < messages.length; i += 1) await this.observed(messages[i], outcomes[i]);
  }

  private async observed(message: InboundMessage, outcome: 'handled' | 'duplicate'): Promise<void> {
    try {
      await this.deps.onHandled?.(message, outcome);
    } catch (error) {
      // an observer's failure must not turn a committed effect into a retry
      this.deps.logger.warn(`consumer ${this.deps.groupId}: onHandled hook failed`, {
        error: summarize(error).message,
      });
    }
  }

  private async attempt(message: InboundMessage, attempt: number): Promise<'handled' | 'duplicate'> {
    const { pool, inbox, groupId } = this.deps;
    const tx = await plumbing(() => pool.connect());
    let broken: Error | undefined;
    try {
      if ((await plumbing(() => inbox.begin(tx, groupId, message.id))).seen) {
        await tx.query('ROLLBACK');
        return 'duplicate';
      }
      await this.runHandler(message, { tx, message, attempt });
      let committed: boolean;
      try {
        ({ committed } = await inbox.commit(tx, groupId, message));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === UNIQUE_VIOLATION) {
          await tx.query('ROLLBACK'); // another member handled it meanwhile (a rebalance overlap): its effect stands
          return 'duplicate';
        }
        if (isCausedByContent(error)) throw error; // the message's data (its type, say) broke the insert
        if (code !== IN_FAILED_TRANSACTION) throw new InfrastructureFailure(error);
        committed = false;
      }
      // the handler broke the transaction (a failed statement whose error it swallowed): nothing was written
      if (!committed) throw new Error('the inbox transaction was aborted inside the handler and rolled back');
      return 'handled';
    } catch (error) {
      await tx.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      tx.release(broken);
    }
  }

  private readonly runHandler = async (message: InboundMessage, context: HandlerContext): Promise<void> => {
    try {
      await this.deps.handle(message, context);
    } catch (error) {
      throw isInfrastructureFailure(error) ? new InfrastructureFailure(error) : error;
    }
  };

  private async deadLetter(
    raw: RawMessage,
    messageId: string,
    failure: Failure,
    signal: AbortSignal,
  ): Promise<Outcome> {
    for (let failures = 1; ; failures += 1) {
      try {
        await this.deps.deadLetter(raw, messageId, failure);
        metrics.deadLettered.inc({
          group: this.deps.groupId,
          topic: raw.topic,
          classification: failure.classification,
        });
        // counted once it is on the DLQ (a chunk that falls back to single messages prepares them twice)
        if (failure.classification === 'unknown-type' || failure.classification === 'unknown-version') {
          metrics.parked.inc({ group: this.deps.groupId, topic: raw.topic, reason: failure.classification });
        }
        this.deps.logger.warn(
          `consumer ${this.deps.groupId}: ${raw.topic}/${raw.partition}@${raw.offset} dead-lettered (${failure.classification})`,
          {
            error: `${failure.error.class}: ${failure.error.message}`,
            attempts: failure.attempts,
          },
        );
        return 'dead-lettered';
      } catch (error) {
        this.deps.logger.warn(`consumer ${this.deps.groupId}: dead-letter publish failed; retrying`, {
          error: summarize(error).message,
        });
        if (!(await pause(backoffDelay(this.deps.retry, failures), signal))) return 'abandoned';
      }
    }
  }
}

function isAppendNotFirstWrite(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'APPEND_NOT_FIRST_WRITE';
}

/** A failure of PostgreSQL around the handler is an outage, unless the message's own data caused it. */
async function plumbing<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw isCausedByContent(error) ? error : new InfrastructureFailure(error);
  }
}

/** Content-caused database errors never pass on a retry, whatever the consumer's own retry rule says. */
function isPermanent(error: unknown, isRetryable: (error: unknown) => boolean): boolean {
  return isCausedByContent(error) || !isRetryable(error);
}
