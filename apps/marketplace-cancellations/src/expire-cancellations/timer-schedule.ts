import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MARKETPLACE_ORDER_STREAM_TYPE, type MarketplaceOrderEvent } from '@orders/cancellations-domain';
import type { RecordedEvent } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import type { PoolClient } from 'pg';
import { orderRefOfStream, type OrderRef } from '../marketplace-orders/order-ref';

const TIMER_SUBSCRIPTION = 'marketplace-cancellation-timers';

/**
 * Timers are data (architecture rule 6): a CancellationRequested event schedules a row, a decision (or Market
 * cancelling the order) cancels it. Written by a leased subscription, so each row follows the log exactly once and
 * never by a second write beside the append. Kept apart from the read model so rebuilding views never re-arms timers.
 */
async function scheduleFromEvents(events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
  const armed: { requestId: string; campaignId: string; orderId: string; dueAt: string }[] = [];
  const decided: string[] = [];
  const expired: { requestId: string; appliedAt: string }[] = [];
  const cancelledOrders: OrderRef[] = [];
  for (const event of events as (RecordedEvent & MarketplaceOrderEvent)[]) {
    const ref = orderRefOfStream(event.streamId);
    if (!ref) continue;
    if (event.type === 'CancellationRequested') armed.push({ ...ref, requestId: event.data.requestId, dueAt: event.data.deadlineAt });
    else if (event.type === 'CancellationAccepted' || event.type === 'CancellationRejected') decided.push(event.data.requestId);
    else if (event.type === 'CancellationAutoAccepted') expired.push({ requestId: event.data.requestId, appliedAt: event.data.appliedAt });
    else if (event.type === 'MarketplaceOrderCancelled') cancelledOrders.push(ref);
  }
  // Armed first: a request opened and decided within one batch ends CANCELLED, as in the log.
  if (armed.length > 0) {
    await tx.query(
      `INSERT INTO cancellation_timers (request_id, campaign_id, order_id, due_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT (request_id) DO NOTHING`,
      [armed.map((a) => a.requestId), armed.map((a) => a.campaignId), armed.map((a) => a.orderId), armed.map((a) => a.dueAt)],
    );
  }
  // The log says the deadline took effect: the timer is fired, whoever ran it (a claimer that died before marking
  // its row included), so the order's cancellation below must not call it cancelled.
  if (expired.length > 0) {
    await tx.query(
      `UPDATE cancellation_timers t SET state = 'FIRED', fired_at = x.applied_at FROM unnest($1::text[], $2::timestamptz[]) AS x(request_id, applied_at)
       WHERE t.request_id = x.request_id AND t.state = 'SCHEDULED'`,
      [expired.map((e) => e.requestId), expired.map((e) => e.appliedAt)],
    );
  }
  if (decided.length > 0) {
    await tx.query(`UPDATE cancellation_timers SET state = 'CANCELLED' WHERE request_id = ANY($1) AND state = 'SCHEDULED'`, [decided]);
  }
  if (cancelledOrders.length > 0) {
    await tx.query(
      `UPDATE cancellation_timers t SET state = 'CANCELLED' FROM unnest($1::text[], $2::text[]) AS x(campaign_id, order_id)
       WHERE t.campaign_id = x.campaign_id AND t.order_id = x.order_id AND t.state = 'SCHEDULED'`,
      [cancelledOrders.map((o) => o.campaignId), cancelledOrders.map((o) => o.orderId)],
    );
  }
}

@Injectable()
export class TimerSchedule implements OnModuleInit {
  constructor(private readonly subscriptions: EventStoreSubscriptions) {}

  onModuleInit(): void {
    this.subscriptions.register(TIMER_SUBSCRIPTION, scheduleFromEvents, {
      streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE],
      eventTypes: ['CancellationRequested', 'CancellationAccepted', 'CancellationRejected', 'CancellationAutoAccepted', 'MarketplaceOrderCancelled'],
      batchSize: 500,
    });
  }
}
