import type { Pool, PoolClient } from 'pg';
import { backoffDelay, pause, type RetryPolicy } from './backoff';
import type { Failure } from './dead-letter';
import { messageIdOf } from './decoder';
import { isInfrastructureFailure, summarize } from './errors';
import type { Inbox } from './inbox/inbox';
import type { MessagingLogger } from './kafka';
import * as metrics from './metrics';
import type { Decoded, Decoder, InboundMessage, MessageHandler, RawMessage } from './types';

export type Outcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered' | 'abandoned';

export interface ProcessorDeps {
  groupId: string;
  pool: Pool;
  inbox: Inbox;
  handle: MessageHandler;
  decode: Decoder;
  /** Types this group handles; others are skipped without a transaction. */
  accepts?: (type: string) => boolean;
  retry: RetryPolicy;
  isRetryable: (error: unknown) => boolean;
  deadLetter: (raw: RawMessage, messageId: string, failure: Failure) => Promise<void>;
  onHandled?: (message: InboundMessage, outcome: 'handled' | 'duplicate') => void | Promise<void>;
  logger: MessagingLogger;
}

/** A failure of the plumbing around the handler (PostgreSQL, the DLQ producer): retried without bound. */
class InfrastructureFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'InfrastructureFailure';
  }
}

const UNIQUE_VIOLATION = '23505';

/**
 * One message's life: decode, then attempts of [BEGIN, inbox read, handler, inbox insert, COMMIT] until it is
 * handled, known, dead-lettered, or the consumer stops (then it stays uncommitted and comes back later).
 */
export class MessageProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  async process(raw: RawMessage, signal: AbortSignal): Promise<Outcome> {
    const labels = { group: this.deps.groupId, topic: raw.topic };
    const decoded = this.decode(raw);
    if (!decoded.ok) {
      if (decoded.classification === 'unknown-type') return this.skip(labels);
      const failure: Failure = { classification: decoded.classification, error: { class: 'DecodeError', message: decoded.reason }, attempts: 0 };
      return this.deadLetter(raw, messageIdOf(raw), failure, signal);
    }
    if (this.deps.accepts && !this.deps.accepts(decoded.type)) return this.skip(labels);
    const message: InboundMessage = {
      id: messageIdOf(raw, decoded), type: decoded.type, payload: decoded.payload, key: raw.key, headers: raw.headers,
      topic: raw.topic, partition: raw.partition, offset: raw.offset, timestamp: raw.timestamp,
    };
    let failures = 0;
    for (let attempt = 1; ; ) {
      const timer = metrics.handlerDuration.startTimer(labels);
      try {
        const outcome = await this.attempt(message, attempt).finally(timer);
        if (outcome === 'duplicate') metrics.duplicates.inc(labels);
        else metrics.handled.inc({ ...labels, type: message.type });
        await this.deps.onHandled?.(message, outcome);
        return outcome;
      } catch (error) {
        failures += 1;
        if (error instanceof InfrastructureFailure) {
          this.deps.logger.warn(`consumer ${this.deps.groupId}: infrastructure failure at ${raw.topic}/${raw.partition}@${raw.offset}; retrying`, { error: error.message });
        } else if (!this.deps.isRetryable(error) || attempt >= this.deps.retry.attempts) {
          const classification = this.deps.isRetryable(error) ? 'retries-exhausted' : 'non-retryable';
          return this.deadLetter(raw, message.id, { classification, error: summarize(error), attempts: attempt }, signal);
        } else {
          metrics.retried.inc(labels);
          attempt += 1;
        }
        if (!(await pause(backoffDelay(this.deps.retry, failures), signal))) return 'abandoned';
      }
    }
  }

  private decode(raw: RawMessage): Decoded {
    try {
      return this.deps.decode(raw);
    } catch (error) {
      return { ok: false, classification: 'malformed', reason: `decoder threw: ${summarize(error).message}` };
    }
  }

  private skip(labels: { group: string; topic: string }): Outcome {
    metrics.skipped.inc(labels);
    return 'skipped';
  }

  private async attempt(message: InboundMessage, attempt: number): Promise<'handled' | 'duplicate'> {
    const { pool, inbox, groupId } = this.deps;
    const tx = await plumbing(() => pool.connect());
    let broken: Error | undefined;
    try {
      await plumbing(() => tx.query('BEGIN'));
      if (await plumbing(() => inbox.seen(tx, groupId, message.id))) {
        await tx.query('ROLLBACK');
        return 'duplicate';
      }
      await this.runHandler(message, tx, attempt);
      try {
        await inbox.record(tx, groupId, message);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw new InfrastructureFailure(error);
        await tx.query('ROLLBACK'); // another member handled it meanwhile (a rebalance overlap): its effect stands
        return 'duplicate';
      }
      const committed = await plumbing(() => tx.query('COMMIT'));
      // COMMIT of a transaction that failed inside the handler (an error it swallowed) silently rolls back
      if (committed.command !== 'COMMIT') throw new Error('the inbox transaction was aborted inside the handler and rolled back');
      return 'handled';
    } catch (error) {
      await tx.query('ROLLBACK').catch((rollbackError: Error) => { broken = rollbackError; });
      throw error;
    } finally {
      tx.release(broken);
    }
  }

  private async runHandler(message: InboundMessage, tx: PoolClient, attempt: number): Promise<void> {
    try {
      await this.deps.handle(message, { tx, message, attempt });
    } catch (error) {
      throw isInfrastructureFailure(error) ? new InfrastructureFailure(error) : error;
    }
  }

  private async deadLetter(raw: RawMessage, messageId: string, failure: Failure, signal: AbortSignal): Promise<Outcome> {
    for (let failures = 1; ; failures += 1) {
      try {
        await this.deps.deadLetter(raw, messageId, failure);
        metrics.deadLettered.inc({ group: this.deps.groupId, topic: raw.topic, classification: failure.classification });
        this.deps.logger.warn(`consumer ${this.deps.groupId}: ${raw.topic}/${raw.partition}@${raw.offset} dead-lettered (${failure.classification})`, {
          error: `${failure.error.class}: ${failure.error.message}`, attempts: failure.attempts,
        });
        return 'dead-lettered';
      } catch (error) {
        this.deps.logger.warn(`consumer ${this.deps.groupId}: dead-letter publish failed; retrying`, { error: summarize(error).message });
        if (!(await pause(backoffDelay(this.deps.retry, failures), signal))) return 'abandoned';
      }
    }
  }
}

async function plumbing<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new InfrastructureFailure(error);
  }
}
