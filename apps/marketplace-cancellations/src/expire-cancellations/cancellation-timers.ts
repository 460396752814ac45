import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDomainError } from '@orders/decider-kit';
import type { Pool } from 'pg';
import { marketplaceOrderStreamId } from '@orders/cancellations-domain';
import { Clock } from '@orders/service-kit';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { TIMER_LATE_AFTER_MS, timersFired, timersFiredLate } from '../marketplace-cancellations.metrics';
import { forEachLimited, retryDelayMs } from '../shared/worker-kit';

interface DueTimer {
  request_id: string;
  campaign_id: string;
  order_id: string;
  attempts: number;
  due_at: Date;
}

export const TIMER_ACTOR = 'system:cancellation-timer';

/** A timer's part of a batch: fired and marked by the append, fired with nothing to append, or failed. */
type Outcome = { kind: 'marked' } | { kind: 'unmarked' } | { kind: 'failed'; error: unknown };

/**
 * How long a claimed row is kept from other claimers. A claimer that dies mid-batch leaves its rows to the next one
 * after this, so it bounds how late a crash makes a deadline (kept well under a minute, what counts as late); a
 * batch takes well under a second, and one stalled past the lease may see a row fired again, which the decider
 * makes a no-op.
 */
export const TIMER_LEASE_MS = 15_000;

/**
 * Marks a batch's timers FIRED in the append's own statement, for the orders that appended: the events and the
 * mark commit together, or neither does. Pairs (stream, request), since only the appended streams count.
 */
const MARK_FIRED_SQL = `timers_fired AS (
  UPDATE cancellation_timers t SET state = 'FIRED', fired_at = :w_fired_at::timestamptz, attempts = t.attempts + 1
  FROM unnest(:w_stream_ids::text[], :w_request_ids::text[]) AS x(stream_id, request_id)
  JOIN appended a ON a.stream_id = x.stream_id
  WHERE t.request_id = x.request_id AND t.state = 'SCHEDULED'
  RETURNING 1
)`;

/**
 * Fires due deadlines, in batches of three statements: a claim (the rows leased for TIMER_LEASE_MS, committed at
 * once, FOR UPDATE SKIP LOCKED so two claimers never take the same row), one read of the orders, and one append of
 * every order's events that also marks their rows FIRED. Nothing holds a transaction open between them. Rows whose
 * command appended nothing (the request was decided or replaced meanwhile) are marked with one more statement;
 * failures are recorded row by row. Exactly once: a row leaves SCHEDULED only with its events (or after its command
 * decided nothing), and a row fired again (a lease that ran out, a crash before the mark) meets the decider's no-op
 * for a closed request.
 */
@Injectable()
export class CancellationTimers {
  private readonly logger = new Logger('CancellationTimers');

  constructor(
    private readonly orders: MarketplaceOrders,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {}

  /** Fires every timer due now, batch after batch; returns how many rows were settled. */
  async fireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const settled = await this.fireBatch();
      total += settled;
      if (settled < this.settings.timerBatchSize) return total;
    }
  }

  /** One claimed batch; returns the rows it settled (fired, or put back for a retry). */
  async fireBatch(): Promise<number> {
    const now = this.clock.now();
    const pool = this.orders.store.pool;
    const { rows } = await pool.query<DueTimer>(
      `WITH due AS (
         SELECT request_id FROM cancellation_timers
          WHERE state = 'SCHEDULED' AND due_at <= $1 AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
          ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE cancellation_timers t SET next_attempt_at = $3 FROM due WHERE t.request_id = due.request_id
       RETURNING t.request_id, t.campaign_id, t.order_id, t.attempts, t.due_at`,
      [now, this.settings.timerBatchSize, new Date(now.getTime() + TIMER_LEASE_MS)],
    );
    if (rows.length === 0) return 0;
    const outcomes = await this.fireAll(rows, now);
    const unmarked: string[] = [];
    const failed: { timer: DueTimer; error: unknown }[] = [];
    rows.forEach((timer, i) => {
      const outcome = outcomes[i];
      if (outcome.kind === 'failed') failed.push({ timer, error: outcome.error });
      else {
        countFired(timer, now);
        if (outcome.kind === 'unmarked') unmarked.push(timer.request_id);
      }
    });
    if (unmarked.length > 0) {
      await pool.query(
        `UPDATE cancellation_timers SET state = 'FIRED', fired_at = $2, attempts = attempts + 1
          WHERE request_id = ANY($1) AND state = 'SCHEDULED'`,
        [unmarked, now],
      );
    }
    for (const { timer, error } of failed) await this.recordFailure(pool, timer, error, now);
    return rows.length;
  }

  /**
   * The batch's Expire commands together: one read of the orders, one append of every order's events (marking
   * their rows), a conflict on one order retried for that order alone. Should the batch fail as a whole (a database
   * error), each timer is fired on its own, so one bad order cannot hold back the rest.
   */
  private async fireAll(rows: readonly DueTimer[], now: Date): Promise<Outcome[]> {
    try {
      const results = await this.orders.executeMany(
        'ExpireCancellationRequest',
        rows.map((timer) => ({
          data: { campaignId: timer.campaign_id, orderId: timer.order_id, requestId: timer.request_id },
          context: { actor: TIMER_ACTOR, causationId: timer.request_id },
        })),
        {
          companion: (appending) => ({
            name: 'timers_fired',
            sql: MARK_FIRED_SQL,
            values: {
              w_fired_at: now,
              w_stream_ids: appending.map((i) => marketplaceOrderStreamId(rows[i].campaign_id, rows[i].order_id)),
              w_request_ids: appending.map((i) => rows[i].request_id),
            },
          }),
        },
      );
      return results.map((result): Outcome => {
        if (!result.ok) return { kind: 'failed', error: result.error ?? new Error('unknown failure') };
        return result.result.events.length > 0 ? { kind: 'marked' } : { kind: 'unmarked' };
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`batch of ${rows.length} timers failed, firing them one by one: ${message}`);
      const outcomes: Outcome[] = rows.map(() => ({ kind: 'unmarked' }));
      const indexed = rows.map((timer, i) => ({ timer, i }));
      await forEachLimited(indexed, this.settings.timerConcurrency, async ({ timer, i }) => {
        const failure = await this.fire(timer);
        if (failure !== undefined) outcomes[i] = { kind: 'failed', error: failure };
      });
      return outcomes;
    }
  }

  /**
   * No idempotency key is needed: once the request is closed (by this timer or a decision) or replaced, the
   * decider answers a repeated Expire with no events, so a timer fired again after a crash changes nothing.
   */
  private async fire(timer: DueTimer): Promise<unknown> {
    try {
      await this.orders.execute(
        'ExpireCancellationRequest',
        { campaignId: timer.campaign_id, orderId: timer.order_id, requestId: timer.request_id },
        { actor: TIMER_ACTOR, causationId: timer.request_id },
      );
      return undefined;
    } catch (error) {
      return error ?? new Error('unknown failure');
    }
  }

  private async recordFailure(pool: Pool, timer: DueTimer, error: unknown, now: Date): Promise<void> {
    // A refusal is final (the decider would refuse again); anything else is retried later with backoff.
    const final = isDomainError(error);
    const message = error instanceof Error ? error.message : String(error);
    if (!final) this.logger.warn(`timer ${timer.request_id} failed (attempt ${timer.attempts + 1}): ${message}`);
    await pool.query(
      `UPDATE cancellation_timers SET state = CASE WHEN $2 THEN 'FIRED' ELSE state END, fired_at = CASE WHEN $2 THEN $3::timestamptz END,
         attempts = attempts + 1, next_attempt_at = $4, last_error = $5 WHERE request_id = $1`,
      [timer.request_id, final, now, new Date(now.getTime() + retryDelayMs(timer.attempts + 1)), message],
    );
  }
}

/** Late: fired over a minute after its deadline (the worker was behind, stopped, or every instance was down). */
function countFired(timer: DueTimer, now: Date): void {
  timersFired.inc();
  if (now.getTime() - new Date(timer.due_at).getTime() > TIMER_LATE_AFTER_MS) timersFiredLate.inc();
}
