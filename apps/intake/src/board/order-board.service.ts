import { Injectable } from '@nestjs/common';
import { EventStore, withTransaction } from '@orders/event-store';
import type { OrderItem } from '@orders/ordering-domain';
import { PersonalDataVault } from '@orders/personal-data';
import type { PoolClient } from 'pg';
import type { GuestRecord } from '../external-orders/personal-data';
import { FILTER_STATUS, STATUS_FILTERS, type StatusFilter } from './board-query.dto';

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
  contents: OrderItem[];
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
  order_id: string; external_id: string; source: string; status: string; requested_time: Date | null; amount_minor: string; currency: string;
  items: OrderItem[]; contents_confirmed: boolean; contents_changed: boolean; service_type: string; received_at: Date; version: number;
  awaiting_seconds: number | null;
}

const FILTER_OF_STATUS = Object.fromEntries(Object.entries(FILTER_STATUS).map(([filter, status]) => [status, filter])) as Record<string, StatusFilter>;

@Injectable()
export class OrderBoardService {
  constructor(private readonly store: EventStore, private readonly vault: PersonalDataVault) {}

  async page(companyId: string, filter: StatusFilter, page: number, pageSize: number): Promise<BoardPage> {
    const status = filter === 'all' ? null : FILTER_STATUS[filter];
    // Operators work the oldest waiting order first; every other list shows the newest first.
    const order = filter === 'awaiting' ? 'received_position ASC' : 'received_position DESC';
    // The page and its counts come from one snapshot: read apart, a projection batch committing in between would
    // show counts that disagree with the lines (an order counted as accepted still listed as waiting).
    const [lines, summary] = await withTransaction(this.store.pool, async (db) => [
      await db.query<BoardRow>(
        `SELECT order_id, external_id, source, status, requested_time, amount_minor, currency, items, contents_confirmed, contents_changed,
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
      counts.all += row.count;
      const filter = FILTER_OF_STATUS[row.status];
      if (filter) counts[filter] = row.count;
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
    requestedTime: row.requested_time?.toISOString() ?? null, amountMinor: Number(row.amount_minor), currency: row.currency,
    contents: row.items, contentsConfirmed: row.contents_confirmed, contentsChanged: row.contents_changed, serviceType: row.service_type,
    receivedAt: row.received_at.toISOString(), awaitingSeconds: row.awaiting_seconds, version: row.version,
  };
}
