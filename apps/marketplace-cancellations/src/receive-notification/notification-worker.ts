import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDomainError } from '@orders/decider-kit';
import type { PoolClient } from 'pg';
import { Clock } from '@orders/service-kit';
import { recordDeliveryFinished } from '../reject-on-delivery-finished/record-delivery-finished';
import { clearParkedDelivery, parkedDeliveryOf } from '../marketplace-orders/market-order-ids';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import type { OrderRef } from '../marketplace-orders/order-ref';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { PollingWorker, forEachLimited, retryDelayMs, withClaimedRows } from '../shared/worker-kit';
import { applyNotification } from './notification-commands';
import { NotificationInbox, type StoredNotification } from './notification-inbox';

interface Outcome {
  readonly row: StoredNotification;
  readonly outcome: 'APPLIED' | 'IGNORED' | 'REFUSED' | 'RETRY';
  readonly code?: string;
  readonly message?: string;
}

/**
 * Turns stored notifications into commands. Claims a batch with FOR UPDATE SKIP LOCKED (any number of instances),
 * runs one order's notifications in arrival order and different orders side by side, and records the outcome
 * in the same transaction that releases the rows: APPLIED, IGNORED (already satisfied or stale) or REFUSED (a
 * rule said no: kept with its code for operators, never retried). Failures of the database are retried with backoff.
 */
@Injectable()
export class NotificationWorker extends PollingWorker {
  protected readonly logger = new Logger('NotificationWorker');

  constructor(
    private readonly inbox: NotificationInbox,
    private readonly orders: MarketplaceOrders,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {
    super();
  }

  protected enabled(): boolean {
    return this.settings.runWorkers;
  }

  protected pollMs(): number {
    return this.settings.notificationPollMs;
  }

  protected tick(): Promise<number> {
    return this.processBatch();
  }

  /** Processes everything waiting now; returns how many notifications were settled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const settled = await this.processBatch();
      total += settled;
      if (settled < this.settings.notificationBatchSize) return total;
    }
  }

  async processBatch(): Promise<number> {
    return withClaimedRows<StoredNotification>(
      this.inbox.pool,
      `SELECT notification_key, notification_type, campaign_id, order_id, payload, attempts FROM market_notifications
       WHERE processed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [this.clock.now(), this.settings.notificationBatchSize],
      async (rows, client) => {
        const byOrder = new Map<string, StoredNotification[]>();
        for (const row of rows) {
          const key = `${row.campaign_id}:${row.order_id}`;
          byOrder.set(key, [...(byOrder.get(key) ?? []), row]);
        }
        const outcomes: Outcome[] = [];
        await forEachLimited([...byOrder.values()], 4, async (ofOrder) => {
          for (const row of ofOrder) outcomes.push(await this.process(row));
        });
        await this.record(client, outcomes);
      },
    );
  }

  private async process(row: StoredNotification): Promise<Outcome> {
    try {
      if (row.notification_type === 'ORDER_CANCELLATION_REQUEST') await this.applyParkedDelivery(row.payload);
      const appended = await applyNotification(this.orders, row.payload, `market-notification:${row.notification_key}`);
      return { row, outcome: appended > 0 ? 'APPLIED' : 'IGNORED' };
    } catch (error) {
      if (isDomainError(error)) return { row, outcome: 'REFUSED', code: error.code, message: error.message };
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`notification ${row.notification_key} failed (attempt ${row.attempts + 1}): ${message}`);
      return { row, outcome: 'RETRY', message };
    }
  }

  /**
   * A delivery that finished before Market told us of the order was parked on its platform id (policy P1): it becomes
   * a fact on the stream before the buyer's request, which the decider then rejects at once.
   */
  private async applyParkedDelivery(ref: OrderRef): Promise<void> {
    const parked = await parkedDeliveryOf(this.inbox.pool, ref);
    if (!parked) return;
    await recordDeliveryFinished(this.orders, ref, parked);
    await clearParkedDelivery(this.inbox.pool, ref);
  }

  /** Settles the batch in one statement; failures of our own get a later attempt. */
  private async record(client: PoolClient, outcomes: readonly Outcome[]): Promise<void> {
    const now = this.clock.now();
    const settled = outcomes.filter((o) => o.outcome !== 'RETRY');
    await client.query(
      `UPDATE market_notifications n SET processed_at = $2, outcome = s.outcome, error_code = s.code, error_message = s.message, attempts = n.attempts + 1
       FROM unnest($1::text[], $3::text[], $4::text[], $5::text[]) AS s(key, outcome, code, message) WHERE n.notification_key = s.key`,
      [
        settled.map((o) => o.row.notification_key),
        now,
        settled.map((o) => o.outcome),
        settled.map((o) => o.code ?? null),
        settled.map((o) => o.message ?? null),
      ],
    );
    for (const { row, message } of outcomes.filter((o) => o.outcome === 'RETRY')) {
      await client.query(
        `UPDATE market_notifications SET attempts = attempts + 1, next_attempt_at = $2, error_message = $3 WHERE notification_key = $1`,
        [row.notification_key, new Date(now.getTime() + retryDelayMs(row.attempts + 1)), message],
      );
    }
  }
}
