import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MARKETPLACE_ORDER_STREAM_TYPE, type MarketplaceOrderEvent } from '@orders/cancellations-domain';
import type { RecordedEvent } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import type { PoolClient } from 'pg';
import { orderRefOfStream } from '../orders/order-ref';

export const TIMER_SUBSCRIPTION = 'marketplace-cancellation-timers';

/**
 * Timers are data (architecture rule 6): a CancellationRequested event schedules a row, a decision (or Market
 * cancelling the order) cancels it. Written by a leased subscription, so each row follows the log exactly once and
 * never by a second write beside the append. Kept apart from the read model so rebuilding views never re-arms timers.
 */
export async function scheduleFromEvents(events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
  for (const event of events as (RecordedEvent & MarketplaceOrderEvent)[]) {
    switch (event.type) {
      case 'CancellationRequested': {
        const ref = orderRefOfStream(event.streamId);
        if (!ref) break;
        await tx.query(
          `INSERT INTO cancellation_timers (request_id, campaign_id, order_id, due_at) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO NOTHING`,
          [event.data.requestId, ref.campaignId, ref.orderId, event.data.deadlineAt],
        );
        break;
      }
      case 'CancellationAccepted':
      case 'CancellationRejected':
        await tx.query(`UPDATE cancellation_timers SET state = 'CANCELLED' WHERE request_id = $1 AND state = 'SCHEDULED'`, [event.data.requestId]);
        break;
      case 'MarketplaceOrderCancelled': {
        const ref = orderRefOfStream(event.streamId);
        if (!ref) break;
        await tx.query(
          `UPDATE cancellation_timers SET state = 'CANCELLED' WHERE campaign_id = $1 AND order_id = $2 AND state = 'SCHEDULED'`,
          [ref.campaignId, ref.orderId],
        );
        break;
      }
      default:
        break;
    }
  }
}

@Injectable()
export class TimerSchedule implements OnModuleInit {
  constructor(private readonly subscriptions: EventStoreSubscriptions) {}

  onModuleInit(): void {
    this.subscriptions.register(TIMER_SUBSCRIPTION, scheduleFromEvents, {
      streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE],
      eventTypes: ['CancellationRequested', 'CancellationAccepted', 'CancellationRejected', 'MarketplaceOrderCancelled'],
      batchSize: 500,
    });
  }
}
