import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDomainError } from '@orders/decider-kit';
import type { PoolClient } from 'pg';
import { Clock } from '../clock';
import { MarketplaceOrders } from '../orders/marketplace-orders';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../settings';
import { PollingWorker, forEachLimited, retryDelayMs } from '../worker-kit';
import { applyNotification } from './notification-commands';
import { NotificationInbox, type StoredNotification } from './notification-inbox';

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
    const client = await this.inbox.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<StoredNotification>(
        `SELECT notification_key, notification_type, campaign_id, order_id, payload, attempts FROM market_notifications
         WHERE processed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.clock.now(), this.settings.notificationBatchSize],
      );
      const byOrder = new Map<string, StoredNotification[]>();
      for (const row of rows) {
        const key = `${row.campaign_id}:${row.order_id}`;
        byOrder.set(key, [...(byOrder.get(key) ?? []), row]);
      }
      await forEachLimited([...byOrder.values()], 4, async (ofOrder) => {
        for (const row of ofOrder) await this.process(client, row);
      });
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async process(client: PoolClient, row: StoredNotification): Promise<void> {
    const now = this.clock.now();
    try {
      const result = await applyNotification(this.orders, row.payload, `market-notification:${row.notification_key}`);
      await this.settle(client, row, now, result.events.length > 0 ? 'APPLIED' : 'IGNORED');
    } catch (error) {
      if (isDomainError(error)) {
        await this.settle(client, row, now, 'REFUSED', error.code, error.message);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`notification ${row.notification_key} failed (attempt ${row.attempts + 1}): ${message}`);
      await client.query(
        `UPDATE market_notifications SET attempts = attempts + 1, next_attempt_at = $2, error_message = $3 WHERE notification_key = $1`,
        [row.notification_key, new Date(now.getTime() + retryDelayMs(row.attempts + 1)), message],
      );
    }
  }

  private async settle(client: PoolClient, row: StoredNotification, now: Date, outcome: string, code?: string, message?: string): Promise<void> {
    await client.query(
      `UPDATE market_notifications SET processed_at = $2, outcome = $3, error_code = $4, error_message = $5, attempts = attempts + 1
       WHERE notification_key = $1`,
      [row.notification_key, now, outcome, code ?? null, message ?? null],
    );
  }
}
