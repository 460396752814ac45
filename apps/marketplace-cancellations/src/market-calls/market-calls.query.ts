import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import type { MarketCallOperation } from '../market-connector/market-outbox';
import { pager, type Page, type Pager } from '../read-model/cancellation-queries';

/** What the connector sent to Market: the method, the path and the body (a decision has no personal data). */
interface SentView {
  method: 'GET' | 'PUT';
  path: string;
  body: { accepted: boolean; reason?: string } | null;
}

/** Market's last answer to the call: its status and the first error's `code: message`, or OK. */
interface AnswerView {
  status: number | null;
  summary: string | null;
}

export interface MarketCallView {
  id: string;
  operation: MarketCallOperation;
  orderId: number;
  /** The request id of the decision it carries, or `order-created` for the read of a new order. */
  causeId: string;
  state: 'PENDING' | 'SENT' | 'REFUSED';
  sent: SentView;
  answer: AnswerView | null;
  attempts: number;
  decidedAt: string;
  /** When the worker tries again (PENDING only). */
  nextAttemptAt: string | null;
  settledAt: string | null;
}

interface CallRow {
  id: string;
  operation: MarketCallOperation;
  campaign_id: string;
  order_id: string;
  cause_id: string;
  body: { accepted: boolean; reason?: string } | null;
  state: MarketCallView['state'];
  decided_at: Date;
  next_attempt_at: Date;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  sent_at: Date | null;
  total: string;
}

const sentOf = (row: CallRow): SentView =>
  row.operation === 'acceptOrderCancellation'
    ? {
        method: 'PUT',
        path: `/v2/campaigns/${row.campaign_id}/orders/${row.order_id}/cancellation/accept`,
        body: row.body && { accepted: row.body.accepted, ...(row.body.reason ? { reason: row.body.reason } : {}) },
      }
    : { method: 'GET', path: `/v2/campaigns/${row.campaign_id}/orders/${row.order_id}`, body: null };

/** No answer yet (never sent, or only held back by our own count of the limits) is null. */
function answerOf(row: CallRow): AnswerView | null {
  if (row.state === 'SENT') return { status: row.last_status, summary: 'OK' };
  if (row.last_status === null && row.last_error === null) return null;
  return { status: row.last_status, summary: row.last_error };
}

/** The connector's calls to Market from its outbox, newest first: what operators check when a decision lags. */
@Injectable()
export class MarketCallsQuery {
  constructor(private readonly store: EventStore) {}

  async list(
    campaignId: string,
    filter: { orderId?: string; state?: string },
    page: Page,
  ): Promise<{ pager: Pager; calls: MarketCallView[] }> {
    const { rows } = await this.store.pool.query<CallRow>(
      `SELECT id::text, operation, campaign_id, order_id, cause_id, body, state, decided_at, next_attempt_at, attempts,
              last_status, last_error, sent_at, count(*) OVER () AS total
       FROM market_outbox
       WHERE campaign_id = $1 AND ($2::text IS NULL OR order_id = $2) AND ($3::text IS NULL OR state = $3)
       ORDER BY id DESC LIMIT $4 OFFSET $5`,
      [campaignId, filter.orderId ?? null, filter.state ?? null, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const calls = rows.map((row): MarketCallView => ({
      id: row.id,
      operation: row.operation,
      orderId: Number(row.order_id),
      causeId: row.cause_id,
      state: row.state,
      sent: sentOf(row),
      answer: answerOf(row),
      attempts: row.attempts,
      decidedAt: row.decided_at.toISOString(),
      nextAttemptAt: row.state === 'PENDING' ? row.next_attempt_at.toISOString() : null,
      settledAt: row.sent_at?.toISOString() ?? null,
    }));
    return { pager: pager(Number(rows[0]?.total ?? 0), page, rows.length), calls };
  }
}
