import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';

/** An instant range, `from` included and `to` not, as Market's date filters read. */
export interface Range {
  readonly from: Date;
  readonly to: Date;
}

/** Market's GET orders filters (its documented query parameters), on what the read model holds of each order. */
export interface OrdersFilter {
  readonly onlyWaitingForCancellationApprove: boolean;
  readonly orderIds?: readonly string[];
  readonly statuses?: readonly string[];
  readonly substatuses?: readonly string[];
  readonly created?: Range;
  readonly shipment?: Range;
  readonly updated?: Range;
  readonly dispatchType?: string;
  readonly fake: boolean;
  readonly hasCis: boolean;
  readonly onlyEstimatedDelivery: boolean;
  readonly buyerType?: string;
}

/** Market's two ways through a list: the older page/pageSize, and a forward cursor (pageToken/limit). */
export type OrdersPaging =
  | { readonly kind: 'page'; readonly page: number; readonly pageSize: number }
  | { readonly kind: 'cursor'; readonly after?: readonly (string | number)[]; readonly limit: number };

export interface OrderRow {
  readonly order_id: string;
  readonly status: string;
  readonly substatus: string | null;
  readonly payment_type: string | null;
  readonly known_since: Date | null;
  readonly creation_date: Date | null;
  readonly notified_items: { offerId: string; count: number }[] | null;
  readonly market_order: Record<string, unknown> | null;
  readonly deadline_at: Date | null;
  readonly updated_at: Date;
}

export interface OrdersPage {
  readonly rows: readonly OrderRow[];
  /** Rows matching the filter (page paging only: a cursor does not count). */
  readonly total?: number;
  /** The cursor's position after the last row, when more rows follow. */
  readonly next?: readonly (string | number)[];
}

/** Delivered and cancelled orders leave Market's list after 30 days (its getOrders description). */
const RETENTION_DAYS = 30;

const COLUMNS = `o.order_id, o.status, o.substatus, o.payment_type, o.known_since, o.creation_date, o.notified_items, o.market_order,
  o.updated_at, r.deadline_at`;
const FROM = `marketplace_orders o LEFT JOIN cancellation_requests r
  ON r.campaign_id = o.campaign_id AND r.order_id = o.order_id AND r.state = 'PENDING'`;

/** Builds the WHERE clause of a filter; `params` collects its values. */
function where(campaignId: string, filter: OrdersFilter, now: Date, params: unknown[]): string {
  const p = (value: unknown): string => `$${params.push(value)}`;
  const clauses = [
    `o.campaign_id = ${p(campaignId)}`,
    `NOT (o.status IN ('DELIVERED', 'CANCELLED') AND coalesce(o.status_updated_at, o.updated_at) < ${p(new Date(now.getTime() - RETENTION_DAYS * 86_400_000))})`,
    // Market's fake (test) orders only when asked for; an order whose own data we have not read is a real one.
    `coalesce((o.market_order ->> 'fake')::boolean, false) = ${p(filter.fake)}`,
  ];
  const range = (column: string, r: Range | undefined): void => {
    if (r) clauses.push(`${column} >= ${p(r.from)} AND ${column} < ${p(r.to)}`);
  };
  if (filter.onlyWaitingForCancellationApprove) clauses.push(`r.request_id IS NOT NULL`);
  if (filter.orderIds) clauses.push(`o.order_id = ANY(${p(filter.orderIds)}::text[])`);
  if (filter.statuses) clauses.push(`o.status = ANY(${p(filter.statuses)}::text[])`);
  if (filter.substatuses) clauses.push(`o.substatus = ANY(${p(filter.substatuses)}::text[])`);
  range(`coalesce(o.creation_date, o.known_since)`, filter.created);
  const shipmentDate = `o.market_order #>> '{delivery,shipments,0,shipmentDate}'`;
  range(
    `(CASE WHEN ${shipmentDate} ~ '^\\d{2}-\\d{2}-\\d{4}$'
    THEN to_date(${shipmentDate}, 'DD-MM-YYYY')::timestamp AT TIME ZONE 'Europe/Moscow' END)`,
    filter.shipment,
  );
  range(`o.status_updated_at`, filter.updated);
  if (filter.dispatchType) clauses.push(`o.market_order #>> '{delivery,dispatchType}' = ${p(filter.dispatchType)}`);
  if (filter.hasCis) {
    clauses.push(`EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(o.market_order -> 'items', '[]')) AS item
      WHERE item -> 'requiredInstanceTypes' ? 'CIS')`);
  }
  if (filter.onlyEstimatedDelivery) clauses.push(`(o.market_order #>> '{delivery,estimated}')::boolean IS TRUE`);
  // Market's buyer type, or a person while Market's order has not been read (its stand-in buyer).
  if (filter.buyerType) clauses.push(`coalesce(o.market_order #>> '{buyer,type}', 'PERSON') = ${p(filter.buyerType)}`);
  return clauses.join(' AND ');
}

/** The read model as Market's GET orders and GET order see it. */
@Injectable()
export class MarketOrdersQuery {
  constructor(private readonly store: EventStore) {}

  /**
   * One page of a campaign's orders: the queue (onlyWaitingForCancellationApprove) soonest deadline first, otherwise
   * newest order first. Page paging counts the matches; a cursor reads one row more to know whether more follow.
   */
  async list(campaignId: string, filter: OrdersFilter, paging: OrdersPaging, now: Date): Promise<OrdersPage> {
    const params: unknown[] = [];
    const conditions = [where(campaignId, filter, now, params)];
    const waiting = filter.onlyWaitingForCancellationApprove;
    const order = waiting ? `r.deadline_at, o.order_id::bigint` : `o.order_id::bigint DESC`;
    if (paging.kind === 'page') {
      const sql = `SELECT ${COLUMNS}, count(*) OVER () AS total FROM ${FROM} WHERE ${conditions[0]}
        ORDER BY ${order} LIMIT $${params.push(paging.pageSize)} OFFSET $${params.push((paging.page - 1) * paging.pageSize)}`;
      const { rows } = await this.store.pool.query<OrderRow & { total: string }>(sql, params);
      const total = Number(rows[0]?.total ?? (paging.page > 1 ? await this.count(campaignId, filter, now) : 0));
      const more = (paging.page - 1) * paging.pageSize + rows.length < total;
      return { rows, total, next: more && rows.length > 0 ? positionOf(rows[rows.length - 1], waiting) : undefined };
    }
    if (paging.after) {
      const [first, second] = paging.after;
      conditions.push(
        waiting
          ? `(r.deadline_at, o.order_id::bigint) > ($${params.push(first)}::timestamptz, $${params.push(second)}::bigint)`
          : `o.order_id::bigint < $${params.push(first)}::bigint`,
      );
    }
    const sql = `SELECT ${COLUMNS} FROM ${FROM} WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT $${params.push(paging.limit + 1)}`;
    const { rows } = await this.store.pool.query<OrderRow>(sql, params);
    const shown = rows.slice(0, paging.limit);
    return { rows: shown, next: rows.length > paging.limit ? positionOf(shown[shown.length - 1], waiting) : undefined };
  }

  /** A page past the last has no row to count on. */
  private async count(campaignId: string, filter: OrdersFilter, now: Date): Promise<number> {
    const params: unknown[] = [];
    const { rows } = await this.store.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${FROM} WHERE ${where(campaignId, filter, now, params)}`,
      params,
    );
    return Number(rows[0].n);
  }

  async one(campaignId: string, orderId: string): Promise<OrderRow | undefined> {
    const { rows } = await this.store.pool.query<OrderRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE o.campaign_id = $1 AND o.order_id = $2`,
      [campaignId, orderId],
    );
    return rows[0];
  }
}

/** Where a cursor resumes: after this row, in the list's order. */
function positionOf(row: OrderRow, waiting: boolean): (string | number)[] {
  return waiting ? [(row.deadline_at as Date).toISOString(), Number(row.order_id)] : [Number(row.order_id)];
}
