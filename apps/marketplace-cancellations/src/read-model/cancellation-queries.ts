import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Clock } from '@orders/service-kit';

export interface Page {
  readonly page: number;
  readonly pageSize: number;
}

/** The pager of our own lists (Market's FlippingPagerDTO shape, so one reader reads both). */
export interface Pager {
  total: number;
  from: number;
  to: number;
  currentPage: number;
  pagesCount: number;
  pageSize: number;
}

/** A request waiting for the shop's decision, with what our own tools need and Market's OrderDTO has no room for. */
interface PendingView {
  orderId: number;
  status: string;
  substatus?: string;
  /** The order's stream version: `If-Match` on the decision. */
  version: number;
  requestedAt: string;
  deadlineAt: string;
  timeLeftSeconds: number;
  buyerSubstatus?: string;
}

interface DecisionView {
  orderId: number;
  requestedAt: string;
  deadlineAt: string;
  state: string;
  reason?: string;
  decidedBy?: string;
  decidedAt?: string;
}

interface PendingRow {
  order_id: string;
  status: string | null;
  substatus: string | null;
  version: number;
  requested_at: Date;
  deadline_at: Date;
  buyer_substatus: string | null;
  total: string;
}

interface DecisionRow {
  order_id: string;
  requested_at: Date;
  deadline_at: Date;
  state: string;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  total: string;
}

export const pager = (total: number, { page, pageSize }: Page, shown: number): Pager => ({
  total,
  from: shown === 0 ? 0 : (page - 1) * pageSize + 1,
  to: (page - 1) * pageSize + shown,
  currentPage: page,
  pagesCount: Math.ceil(total / pageSize),
  pageSize,
});

const optional = <T>(value: T | null): T | undefined => value ?? undefined;

/** Our own reads of the read model: the queue waiting for a decision (soonest deadline first) and the history. */
@Injectable()
export class CancellationQueries {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** The queue: requests waiting for a decision, soonest deadline first. */
  async pending(campaignId: string, page: Page): Promise<{ pager: Pager; requests: PendingView[] }> {
    const { rows } = await this.store.pool.query<PendingRow>(
      `SELECT r.order_id, o.status, o.substatus, coalesce(o.version, 0) AS version, r.requested_at, r.deadline_at, r.buyer_substatus,
         count(*) OVER () AS total
       FROM cancellation_requests r LEFT JOIN marketplace_orders o USING (campaign_id, order_id)
       WHERE r.campaign_id = $1 AND r.state = 'PENDING' ORDER BY r.deadline_at, r.order_id::bigint LIMIT $2 OFFSET $3`,
      [campaignId, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const now = this.clock.now().getTime();
    const requests = rows.map((row): PendingView => ({
      orderId: Number(row.order_id),
      status: row.status ?? 'UNKNOWN',
      substatus: optional(row.substatus),
      version: row.version,
      requestedAt: row.requested_at.toISOString(),
      deadlineAt: row.deadline_at.toISOString(),
      timeLeftSeconds: Math.max(0, Math.floor((row.deadline_at.getTime() - now) / 1000)),
      buyerSubstatus: optional(row.buyer_substatus),
    }));
    return { pager: pager(Number(rows[0]?.total ?? 0), page, rows.length), requests };
  }

  async decisions(campaignId: string, page: Page): Promise<{ pager: Pager; decisions: DecisionView[] }> {
    const { rows } = await this.store.pool.query<DecisionRow>(
      `SELECT order_id, requested_at, deadline_at, state, reason, decided_by, decided_at, count(*) OVER () AS total
       FROM cancellation_requests WHERE campaign_id = $1 AND state <> 'PENDING'
       ORDER BY decided_at DESC, request_id LIMIT $2 OFFSET $3`,
      [campaignId, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const decisions = rows.map((row): DecisionView => ({
      orderId: Number(row.order_id),
      requestedAt: row.requested_at.toISOString(),
      deadlineAt: row.deadline_at.toISOString(),
      state: row.state,
      reason: optional(row.reason),
      decidedBy: optional(row.decided_by),
      decidedAt: row.decided_at?.toISOString(),
    }));
    return { pager: pager(Number(rows[0]?.total ?? 0), page, rows.length), decisions };
  }

  /**
   * Decisions Market refused (its 400 or 404 to PUT cancellation/accept), newest first, from the connector's outbox:
   * each is also the order's MarketDecisionRefused event. An operator settles them in Market's cabinet.
   */
  async marketRefusals(campaignId: string, page: Page): Promise<{ pager: Pager; refusals: MarketRefusalView[] }> {
    const { rows } = await this.store.pool.query<MarketRefusalRow>(
      `SELECT order_id, cause_id, body, decided_at, sent_at, last_status, last_error, count(*) OVER () AS total
       FROM market_outbox WHERE campaign_id = $1 AND operation = 'acceptOrderCancellation' AND state = 'REFUSED'
       ORDER BY sent_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [campaignId, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const refusals = rows.map((row): MarketRefusalView => ({
      orderId: Number(row.order_id),
      requestId: row.cause_id,
      accepted: row.body.accepted,
      reason: row.body.reason,
      decidedAt: row.decided_at.toISOString(),
      refusedAt: row.sent_at.toISOString(),
      status: row.last_status,
      error: row.last_error,
    }));
    return { pager: pager(Number(rows[0]?.total ?? 0), page, rows.length), refusals };
  }
}

interface MarketRefusalRow {
  order_id: string;
  cause_id: string;
  body: { accepted: boolean; reason?: string };
  decided_at: Date;
  sent_at: Date;
  last_status: number;
  last_error: string;
  total: string;
}

export interface MarketRefusalView {
  orderId: number;
  requestId: string;
  accepted: boolean;
  reason?: string;
  decidedAt: string;
  refusedAt: string;
  status: number;
  error: string;
}
