import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Clock } from '@orders/service-kit';

export interface Page {
  readonly page: number;
  readonly pageSize: number;
}

/** Market's pager (GET campaigns/{id}/orders). */
interface Pager {
  total: number; from: number; to: number; currentPage: number; pagesCount: number; pageSize: number;
}

interface OrderView {
  id: number;
  status: string;
  substatus?: string;
  paymentType?: string;
  version: number;
  cancelRequested: boolean;
  cancellationRequest?: { requestedAt: string; deadlineAt: string; timeLeftSeconds: number; buyerSubstatus?: string };
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

interface OrderRow {
  order_id: string; status: string; substatus: string | null; payment_type: string | null; version: number;
  requested_at: Date | null; deadline_at: Date | null; buyer_substatus: string | null; total: string;
}

interface DecisionRow {
  order_id: string; requested_at: Date; deadline_at: Date; state: string; reason: string | null; decided_by: string | null;
  decided_at: Date | null; total: string;
}

const pager = (total: number, { page, pageSize }: Page, shown: number): Pager => ({
  total, from: shown === 0 ? 0 : (page - 1) * pageSize + 1, to: (page - 1) * pageSize + shown, currentPage: page,
  pagesCount: Math.ceil(total / pageSize), pageSize,
});

const optional = <T>(value: T | null): T | undefined => value ?? undefined;

/** Reads of the read model: the queue waiting for a decision (soonest deadline first) and the decision history. */
@Injectable()
export class CancellationQueries {
  constructor(private readonly store: EventStore, private readonly clock: Clock) {}

  async orders(campaignId: string, onlyWaiting: boolean, page: Page): Promise<{ pager: Pager; orders: OrderView[] }> {
    const pending = `SELECT r.order_id, o.status, o.substatus, o.payment_type, coalesce(o.version, 0) AS version, r.requested_at, r.deadline_at,
        r.buyer_substatus, count(*) OVER () AS total
      FROM cancellation_requests r LEFT JOIN marketplace_orders o USING (campaign_id, order_id)
      WHERE r.campaign_id = $1 AND r.state = 'PENDING' ORDER BY r.deadline_at, r.order_id::bigint LIMIT $2 OFFSET $3`;
    const all = `SELECT o.order_id, o.status, o.substatus, o.payment_type, o.version, r.requested_at, r.deadline_at, r.buyer_substatus,
        count(*) OVER () AS total
      FROM marketplace_orders o LEFT JOIN cancellation_requests r ON r.campaign_id = o.campaign_id AND r.order_id = o.order_id AND r.state = 'PENDING'
      WHERE o.campaign_id = $1 ORDER BY o.order_id::bigint DESC LIMIT $2 OFFSET $3`;
    const { rows } = await this.store.pool.query<OrderRow>(onlyWaiting ? pending : all, [campaignId, page.pageSize, (page.page - 1) * page.pageSize]);
    const now = this.clock.now().getTime();
    const orders = rows.map((row): OrderView => ({
      id: Number(row.order_id),
      status: row.status ?? 'UNKNOWN',
      substatus: optional(row.substatus),
      paymentType: optional(row.payment_type),
      version: row.version,
      cancelRequested: row.deadline_at !== null,
      cancellationRequest: row.deadline_at && row.requested_at ? {
        requestedAt: row.requested_at.toISOString(),
        deadlineAt: row.deadline_at.toISOString(),
        timeLeftSeconds: Math.max(0, Math.floor((row.deadline_at.getTime() - now) / 1000)),
        buyerSubstatus: optional(row.buyer_substatus),
      } : undefined,
    }));
    return { pager: pager(Number(rows[0]?.total ?? 0), page, rows.length), orders };
  }

  async decisions(campaignId: string, page: Page): Promise<{ pager: Pager; decisions: DecisionView[] }> {
    const { rows } = await this.store.pool.query<DecisionRow>(
      `SELECT order_id, requested_at, deadline_at, state, reason, decided_by, decided_at, count(*) OVER () AS total
       FROM cancellation_requests WHERE campaign_id = $1 AND state <> 'PENDING'
       ORDER BY decided_at DESC, request_id LIMIT $2 OFFSET $3`,
      [campaignId, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const decisions = rows.map((row): DecisionView => ({
      orderId: Number(row.order_id), requestedAt: row.requested_at.toISOString(), deadlineAt: row.deadline_at.toISOString(), state: row.state,
      reason: optional(row.reason), decidedBy: optional(row.decided_by), decidedAt: row.decided_at?.toISOString(),
    }));
    return { pager: pager(Number(rows[0]?.total ?? 0), page, rows.length), decisions };
  }
}
