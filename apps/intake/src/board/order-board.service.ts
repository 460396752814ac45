import { Injectable } from '@nestjs/common';
import { EventStore, withTransaction } from '@orders/event-store';
import type { OrderItem } from '@orders/ordering-domain';
import { PersonalDataVault } from '@orders/personal-data';
import { dateTimeAtOffset } from '@orders/service-kit';
import type { PoolClient } from 'pg';
import type { GuestRecord } from '../external-orders/personal-data';
import { STATUS_FILTERS, type StatusFilter } from './board-query.dto';

/** One line of the list, in the seed's columns: №, ФИО, Контакты, Принят на время, Сумма, Содержимое заказа. */
export interface BoardLine {
  orderId: string;
  number: string;
  source: string;
  status: string;
  customer: string | null;
  contacts: { phone: string; address: string } | null;
  requestedTime: string | null;
  amountMinor: number;
  currency: string;
  /** What the order holds: the guest's lines before «Принять», then the POS order's (empty until confirmed). */
  contents: OrderItem[];
  /** What the guest ordered. */
  orderedItems: OrderItem[];
  contentsConfirmed: boolean;
  contentsChanged: boolean;
  serviceType: string;
  receivedAt: string;
  /** How long an AWAITING order has waited for an operator; null in other statuses. */
  awaitingSeconds: number | null;
  version: number;
}

export type StatusCounts = Record<StatusFilter, number>;

export interface BoardPage {
  items: BoardLine[];
  counts: StatusCounts;
  /** Age of the oldest order still AWAITING, in seconds; null when none waits. */
  oldestAwaitingSeconds: number | null;
  page: number;
  pageSize: number;
  total: number;
}

interface BoardRow {
  order_id: string; external_id: string; source: string; status: string; requested_time: Date | null;
  requested_time_offset: string | null;
  amount_minor: string; currency: string; items: OrderItem[]; ordered_items: OrderItem[]; contents_confirmed: boolean;
  contents_changed: boolean; service_type: string; received_at: Date; version: number; awaiting_seconds: number | null;
}

@Injectable()
export class OrderBoardService {
  constructor(private readonly store: EventStore, private readonly vault: PersonalDataVault) {}

  async page(companyId: string, filter: StatusFilter, page: number, pageSize: number): Promise<BoardPage> {
    const status = filter === 'ALL' ? null : filter;
    // Operators work the oldest waiting order first; every other list shows the newest first.
    const order = filter === 'AWAITING' ? 'received_position ASC' : 'received_position DESC';
    // The page and its counts come from one snapshot: read apart, a projection batch committing in between would
    // show counts that disagree with the lines (an order counted as accepted still listed as waiting).
    const [lines, summary] = await withTransaction(this.store.pool, async (db) => [
      await db.query<BoardRow>(
        `SELECT order_id, external_id, source, status, requested_time, requested_time_offset, amount_minor, currency,
                items, ordered_items, contents_confirmed, contents_changed,
                service_type, received_at, version,
                CASE WHEN status = 'AWAITING' THEN floor(extract(epoch FROM now() - received_at))::int END AS awaiting_seconds
           FROM intake_order_board
          WHERE company_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY ${order} LIMIT $3 OFFSET $4`,
        [companyId, status, pageSize, (page - 1) * pageSize]),
      await this.summary(companyId, db),
    ] as const, { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' });
    const guests = await this.vault.openMany<GuestRecord>(lines.rows.map((row) => row.order_id));
    return {
      items: lines.rows.map((row) => lineOf(row, guests.get(row.order_id))),
      counts: summary.counts,
      oldestAwaitingSeconds: summary.oldestAwaitingSeconds,
      page,
      pageSize,
      total: summary.counts[filter],
    };
  }

  /** Counts per status and the age of the oldest waiting order: the board's header. */
  async summary(companyId: string, db: Pick<PoolClient, 'query'> = this.store.pool): Promise<{ counts: StatusCounts; oldestAwaitingSeconds: number | null }> {
    const { rows } = await db.query<{ status: string; count: number; oldest: number | null }>(
      `SELECT status, count(*)::int AS count,
              CASE WHEN status = 'AWAITING' THEN floor(extract(epoch FROM now() - min(received_at)))::int END AS oldest
         FROM intake_order_board WHERE company_id = $1 GROUP BY status`, [companyId]);
    const counts = Object.fromEntries(STATUS_FILTERS.map((filter) => [filter, 0])) as StatusCounts;
    let oldestAwaitingSeconds: number | null = null;
    for (const row of rows) {
      counts.ALL += row.count;
      if ((STATUS_FILTERS as readonly string[]).includes(row.status)) counts[row.status as StatusFilter] = row.count;
      if (row.status === 'AWAITING') oldestAwaitingSeconds = row.oldest;
    }
    return { counts, oldestAwaitingSeconds };
  }
}

function lineOf(row: BoardRow, guest: GuestRecord | undefined): BoardLine {
  return {
    orderId: row.order_id, number: row.external_id, source: row.source, status: row.status,
    customer: guest?.customer.name ?? null,
    contacts: guest ? { phone: guest.customer.phone, address: guest.address } : null,
    // As the client gave it: at its offset (UTC for orders received before offsets were kept).
    requestedTime: row.requested_time ? dateTimeAtOffset(row.requested_time, row.requested_time_offset ?? 'Z') : null,
    amountMinor: Number(row.amount_minor), currency: row.currency,
    contents: row.items, orderedItems: row.ordered_items,
    contentsConfirmed: row.contents_confirmed, contentsChanged: row.contents_changed, serviceType: row.service_type,
    receivedAt: row.received_at.toISOString(), awaitingSeconds: row.awaiting_seconds, version: row.version,
  };
}
