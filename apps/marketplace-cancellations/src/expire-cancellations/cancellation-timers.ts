import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDomainError } from '@orders/decider-kit';
import type { PoolClient } from 'pg';
import { Clock } from '@orders/service-kit';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { TIMER_LATE_AFTER_MS, timersFired, timersFiredLate } from '../marketplace-cancellations.metrics';
import { forEachLimited, retryDelayMs, withClaimedRows } from '../shared/worker-kit';

interface DueTimer {
  request_id: string;
  campaign_id: string;
  order_id: string;
  attempts: number;
  due_at: Date;
}

export const TIMER_ACTOR = 'system:cancellation-timer';

/**
 * Fires due deadlines. A batch is claimed with FOR UPDATE SKIP LOCKED and stays locked while its commands run, so
 * several instances share the work without ever taking the same row; the row is marked FIRED in that same
 * transaction. A crash before the commit leaves the rows SCHEDULED for the next claimer, and the decider's no-op for
 * a closed request keeps the effect single.
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
    return withClaimedRows<DueTimer>(this.orders.store.pool,
      `SELECT request_id, campaign_id, order_id, attempts, due_at FROM cancellation_timers
       WHERE state = 'SCHEDULED' AND due_at <= $1 AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
       ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, this.settings.timerBatchSize],
      async (rows, client) => {
        const failed: { timer: DueTimer; error: unknown }[] = [];
        const outcomes = await this.fireAll(rows);
        rows.forEach((timer, i) => {
          const error = outcomes[i];
          if (error !== undefined) failed.push({ timer, error });
          else countFired(timer, now);
        });
        const failedIds = new Set(failed.map((f) => f.timer.request_id));
        await client.query(`UPDATE cancellation_timers SET state = 'FIRED', fired_at = $2, attempts = attempts + 1 WHERE request_id = ANY($1)`,
          [rows.filter((r) => !failedIds.has(r.request_id)).map((r) => r.request_id), now]);
        for (const { timer, error } of failed) await this.recordFailure(client, timer, error, now);
      });
  }

  /**
   * The batch's Expire commands together: one read of the orders, one append of every order's events, a conflict
   * on one order retried for that order alone. Each timer's failure (undefined when it fired). Should the batch
   * fail as a whole (a database error), each timer is fired on its own, so one bad order cannot hold back the rest.
   */
  private async fireAll(rows: readonly DueTimer[]): Promise<unknown[]> {
    try {
      const results = await this.orders.executeMany('ExpireCancellationRequest', rows.map((timer) => ({
        data: { campaignId: timer.campaign_id, orderId: timer.order_id, requestId: timer.request_id },
        context: { actor: TIMER_ACTOR, causationId: timer.request_id },
      })));
      return results.map((result) => (result.ok ? undefined : result.error ?? new Error('unknown failure')));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`batch of ${rows.length} timers failed, firing them one by one: ${message}`);
      const outcomes: unknown[] = rows.map(() => undefined);
      const indexed = rows.map((timer, i) => ({ timer, i }));
      await forEachLimited(indexed, this.settings.timerConcurrency, async ({ timer, i }) => {
        outcomes[i] = await this.fire(timer);
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

  private async recordFailure(client: PoolClient, timer: DueTimer, error: unknown, now: Date): Promise<void> {
    // A refusal is final (the decider would refuse again); anything else is retried later with backoff.
    const final = isDomainError(error);
    const message = error instanceof Error ? error.message : String(error);
    if (!final) this.logger.warn(`timer ${timer.request_id} failed (attempt ${timer.attempts + 1}): ${message}`);
    await client.query(
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
