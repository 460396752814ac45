import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore, START, type RecordedEvent, type Subscription } from '@orders/event-store';
import { EXTERNAL_ORDER_STREAM_TYPE } from '@orders/ordering-domain';
import type { PoolClient } from 'pg';
import { BOARD_CHANNEL, boardChangeOf, type BoardNotice } from './board-changes';

// Renamed when the board's shape changes: the new name replays the log from the start into the emptied table
// (IntakeOrderBoardPosContents1800000000000).
export const BOARD_SUBSCRIPTION = 'intake-order-board-v2';

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
      onError: (error, { attempt }) =>
        this.logger.error(`board projection failed (attempt ${attempt}): ${String(error)}`),
    });
    await this.subscription.start();
  }

  /**
   * A batch in a few statements, not two per event: a run of new orders is one multi-row INSERT, the notices one
   * pg_notify statement. A long batch transaction would hold its connection and slow every other request.
   * Public for the chaos checker, which folds the whole log with it into scratch tables (scripts/chaos).
   */
  async apply(events: RecordedEvent[], tx: PoolClient): Promise<void> {
    const notices: BoardNotice[] = [];
    for (let i = 0; i < events.length;) {
      let end = i;
      while (end < events.length && boardChangeOf(events[end]).kind === 'insert') end += 1;
      if (end > i) {
        notices.push(...(await this.insertAll(events.slice(i, end), tx)));
        i = end;
      } else {
        const notice = await this.update(events[i], tx);
        if (notice) notices.push(notice);
        i += 1;
      }
    }
    if (notices.length === 0) return;
    // Numbered in the change feed first (a stream that reconnects replays from it), then announced with its number.
    // WITH ORDINALITY keeps the array's order, so numbers and notices follow the log.
    const { rows } = await tx.query<{ seq: string; notice: BoardNotice }>(
      `INSERT INTO intake_board_changes (company_id, notice)
       SELECT n->>'companyId', n FROM unnest($1::jsonb[]) WITH ORDINALITY AS x(n, i) ORDER BY i RETURNING seq, notice`,
      [notices.map((n) => JSON.stringify(n))],
    );
    const numbered = rows
      .map((row) => ({ ...row.notice, seq: Number(row.seq) }))
      .sort((a, b) => a.seq - b.seq)
      .map((notice) => JSON.stringify(notice));
    // A function scan yields the array in order, so listeners get the notices in log order.
    await tx.query('SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n', [BOARD_CHANNEL, numbered]);
  }

  /** New orders; a redelivered one (already on the board) changes nothing and has no notice. */
  private async insertAll(events: RecordedEvent[], tx: PoolClient): Promise<BoardNotice[]> {
    const rows = events.map((event) => {
      const change = boardChangeOf(event);
      if (change.kind !== 'insert') throw new Error('insertAll takes ExternalOrderReceived events only');
      const d = change.data;
      return {
        order_id: d.orderId,
        company_id: d.companyId,
        source: d.source,
        external_id: d.externalId,
        service_type: d.serviceType,
        requested_time: d.requestedTime ?? null,
        requested_time_offset: d.requestedTimeOffset ?? null,
        items: d.items,
        amount_minor: d.amountMinor,
        currency: d.currency,
        at: event.occurredAt.toISOString(),
        version: event.streamVersion,
        received_position: event.globalPosition,
        event_type: event.type,
      };
    });
    const { rows: inserted } = await tx.query<{ order_id: string }>(
      `INSERT INTO intake_order_board (order_id, company_id, source, external_id, status, service_type, requested_time,
         requested_time_offset, items, ordered_items, amount_minor, currency, received_at, status_changed_at, version,
         received_position)
       SELECT order_id, company_id, source, external_id, 'AWAITING', service_type, requested_time,
         requested_time_offset, items, items, amount_minor, currency, at, at, version, received_position
       FROM jsonb_to_recordset($1::jsonb) AS x(order_id uuid, company_id text, source text, external_id text,
         service_type text, requested_time timestamptz, requested_time_offset text, items jsonb, amount_minor bigint,
         currency text, at timestamptz, version integer, received_position bigint)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id::text`,
      [JSON.stringify(rows)],
    );
    const fresh = new Set(inserted.map((row) => row.order_id));
    // uuid text from the database is lower case; ids in events are too, but compare the same form to be sure
    return rows
      .filter((row) => fresh.has(row.order_id.toLowerCase()))
      .map((row) => ({
        companyId: row.company_id,
        orderId: row.order_id,
        externalId: row.external_id,
        status: 'AWAITING',
        version: row.version,
        eventType: row.event_type,
        at: row.at,
      }));
  }

  private async update(event: RecordedEvent, tx: PoolClient): Promise<BoardNotice | undefined> {
    const change = boardChangeOf(event);
    if (change.kind === 'insert') throw new Error('update takes status and contents changes only');
    const at = event.occurredAt.toISOString();
    const orderId = (event.data as { orderId: string }).orderId;
    const { rows } = await tx.query<{ company_id: string; external_id: string; status: string }>(
      `UPDATE intake_order_board SET
         version = $2,
         status = CASE WHEN $3::text IS NOT NULL THEN $3
                       WHEN $4::jsonb IS NOT NULL AND status = 'CREATED' THEN 'ACCEPTED' ELSE status END,
         status_changed_at = CASE WHEN $3::text IS NOT NULL OR ($4::jsonb IS NOT NULL AND status = 'CREATED') THEN $7::timestamptz ELSE status_changed_at END,
         items = COALESCE($4::jsonb, $8::jsonb, items),
         amount_minor = COALESCE($5, amount_minor),
         contents_confirmed = contents_confirmed OR $4::jsonb IS NOT NULL,
         contents_changed = COALESCE($6, contents_changed)
       WHERE order_id = $1 AND version < $2
       RETURNING company_id, external_id, status`,
      [
        orderId,
        event.streamVersion,
        change.status ?? null,
        change.contents ? JSON.stringify(change.contents.items) : null,
        change.contents?.amountMinor ?? null,
        change.contents?.changed ?? null,
        at,
        change.posItems === undefined ? null : JSON.stringify(change.posItems),
      ],
    );
    const row = rows[0];
    const visible = change.status !== undefined || change.contents !== undefined;
    return row && visible
      ? {
          companyId: row.company_id,
          orderId,
          externalId: row.external_id,
          status: row.status,
          version: event.streamVersion,
          eventType: event.type,
          at,
        }
      : undefined;
  }
}
