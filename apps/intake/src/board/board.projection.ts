import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore, START, type RecordedEvent, type Subscription } from '@orders/event-store';
import { EXTERNAL_ORDER_STREAM_TYPE } from '@orders/ordering-domain';
import type { PoolClient } from 'pg';
import { BOARD_CHANNEL, boardChangeOf, type BoardNotice } from './board-changes';

export const BOARD_SUBSCRIPTION = 'intake-order-board';

/**
 * Projects the log into `intake_order_board`. Each batch's rows, its NOTIFYs and the subscription checkpoint commit
 * in one transaction; rows carry the stream version, so a replayed event changes nothing.
 */
@Injectable()
export class BoardProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BoardProjection');
  private subscription?: Subscription;

  constructor(private readonly store: EventStore) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Empties the board and replays the whole log into it (operators: after a projection change or a suspected drift). */
  async rebuild(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    const client = await this.store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('TRUNCATE intake_order_board');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await this.store.resetSubscription(BOARD_SUBSCRIPTION, START);
    await this.start();
  }

  private async start(): Promise<void> {
    this.subscription = this.store.subscribe(BOARD_SUBSCRIPTION, (events, tx) => this.apply(events, tx), {
      streamTypes: [EXTERNAL_ORDER_STREAM_TYPE],
      batchSize: 200,
      onError: (error, { attempt }) => this.logger.error(`board projection failed (attempt ${attempt}): ${String(error)}`),
    });
    await this.subscription.start();
  }

  private async apply(events: RecordedEvent[], tx: PoolClient): Promise<void> {
    for (const event of events) {
      const notice = await this.applyOne(event, tx);
      if (notice) await tx.query('SELECT pg_notify($1, $2)', [BOARD_CHANNEL, JSON.stringify(notice)]);
    }
  }

  private async applyOne(event: RecordedEvent, tx: PoolClient): Promise<BoardNotice | undefined> {
    const change = boardChangeOf(event);
    const at = event.occurredAt.toISOString();
    if (change.kind === 'insert') {
      const d = change.data;
      const { rows } = await tx.query<{ external_id: string }>(
        `INSERT INTO intake_order_board (order_id, company_id, source, external_id, status, service_type, requested_time, items, amount_minor,
           currency, received_at, status_changed_at, version, received_position)
         VALUES ($1, $2, $3, $4, 'AWAITING', $5, $6, $7, $8, $9, $10, $10, $11, $12)
         ON CONFLICT (order_id) DO NOTHING RETURNING external_id`,
        [d.orderId, d.companyId, d.source, d.externalId, d.serviceType, d.requestedTime, JSON.stringify(d.items), d.amountMinor, d.currency, at, event.streamVersion, event.globalPosition],
      );
      return rows[0] ? { companyId: d.companyId, orderId: d.orderId, externalId: d.externalId, status: 'AWAITING', version: event.streamVersion, eventType: event.type, at } : undefined;
    }
    const orderId = (event.data as { orderId: string }).orderId;
    const { rows } = await tx.query<{ company_id: string; external_id: string; status: string }>(
      `UPDATE intake_order_board SET
         version = $2,
         status = CASE WHEN $3::text IS NOT NULL THEN $3
                       WHEN $4::jsonb IS NOT NULL AND status = 'CREATED' THEN 'ACCEPTED' ELSE status END,
         status_changed_at = CASE WHEN $3::text IS NOT NULL OR ($4::jsonb IS NOT NULL AND status = 'CREATED') THEN $7::timestamptz ELSE status_changed_at END,
         items = COALESCE($4::jsonb, items),
         amount_minor = COALESCE($5, amount_minor),
         contents_confirmed = contents_confirmed OR $4::jsonb IS NOT NULL,
         contents_changed = COALESCE($6, contents_changed)
       WHERE order_id = $1 AND version < $2
       RETURNING company_id, external_id, status`,
      [orderId, event.streamVersion, change.status ?? null, change.contents ? JSON.stringify(change.contents.items) : null,
        change.contents?.amountMinor ?? null, change.contents?.changed ?? null, at],
    );
    const row = rows[0];
    const visible = change.status !== undefined || change.contents !== undefined;
    return row && visible ? { companyId: row.company_id, orderId, externalId: row.external_id, status: row.status, version: event.streamVersion, eventType: event.type, at } : undefined;
  }
}
