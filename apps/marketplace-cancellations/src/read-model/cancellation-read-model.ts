import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MARKETPLACE_ORDER_STREAM_TYPE, type MarketplaceOrderEvent } from '@orders/cancellations-domain';
import type { RecordedEvent } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import type { PoolClient } from 'pg';
import { orderRefOfStream } from '../orders/order-ref';

export const READ_MODEL_SUBSCRIPTION = 'marketplace-cancellations-read-model';

type Recorded = RecordedEvent & MarketplaceOrderEvent;

/**
 * Projects MarketplaceOrder streams into `marketplace_orders` (one row per order, with its stream version) and
 * `cancellation_requests` (the queue while PENDING, the decision history after). The subscription commits each
 * batch with its checkpoint, so a replay (resetSubscription) rebuilds both from the log.
 */
export async function projectCancellations(events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
  for (const event of events as Recorded[]) {
    const ref = orderRefOfStream(event.streamId);
    if (!ref) continue;
    await touchOrder(tx, ref.campaignId, ref.orderId, event);
    await applyToRequests(tx, ref.campaignId, ref.orderId, event);
  }
}

async function touchOrder(tx: PoolClient, campaignId: string, orderId: string, event: Recorded): Promise<void> {
  const synced = event.type === 'MarketplaceOrderSynced' ? event.data : undefined;
  const status = synced?.status ?? (event.type === 'MarketplaceOrderCancelled' ? 'CANCELLED'
    : event.type === 'CancellationRequested' ? event.data.orderStatusAtRequest : null);
  // Versions only move forward: a replayed batch never rolls a row back.
  await tx.query(
    `INSERT INTO marketplace_orders (campaign_id, order_id, status, market_status, substatus, payment_type, status_updated_at, version, updated_at)
     VALUES ($1, $2, coalesce($3, 'UNKNOWN'), $4, $5, $6, $7, $8, $9)
     ON CONFLICT (campaign_id, order_id) DO UPDATE SET
       status = coalesce($3, marketplace_orders.status),
       market_status = CASE WHEN $10 THEN $4 ELSE marketplace_orders.market_status END,
       substatus = CASE WHEN $10 THEN $5 ELSE marketplace_orders.substatus END,
       payment_type = coalesce($6, marketplace_orders.payment_type),
       status_updated_at = coalesce($7, marketplace_orders.status_updated_at),
       version = $8, updated_at = $9
     WHERE marketplace_orders.version < $8`,
    [campaignId, orderId, status, synced?.marketStatus ?? null, synced?.substatus ?? null, synced?.paymentType ?? null,
      synced?.updatedAt ?? null, event.streamVersion, event.recordedAt, synced !== undefined],
  );
}

async function applyToRequests(tx: PoolClient, campaignId: string, orderId: string, event: Recorded): Promise<void> {
  const decide = (state: string, requestId: string, decidedBy: string, decidedAt: string, reason: string | null = null) =>
    tx.query(
      `UPDATE cancellation_requests SET state = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE request_id = $1 AND state = 'PENDING'`,
      [requestId, state, decidedBy, decidedAt, reason],
    );
  switch (event.type) {
    case 'CancellationRequested': {
      const d = event.data;
      await tx.query(
        `INSERT INTO cancellation_requests (request_id, campaign_id, order_id, requested_at, deadline_at, order_status_at_request, buyer_substatus, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING') ON CONFLICT (request_id) DO NOTHING`,
        [d.requestId, campaignId, orderId, d.requestedAt, d.deadlineAt, d.orderStatusAtRequest, d.buyerSubstatus ?? null],
      );
      return;
    }
    case 'CancellationAccepted':
      await decide('ACCEPTED', event.data.requestId, event.data.decidedBy, event.data.decidedAt);
      return;
    case 'CancellationRejected':
      await decide('REJECTED', event.data.requestId, event.data.decidedBy, event.data.decidedAt, event.data.reason);
      return;
    case 'CancellationAutoAccepted':
      await decide('AUTO_ACCEPTED', event.data.requestId, 'system:deadline', event.data.appliedAt);
      return;
    case 'MarketplaceOrderCancelled':
      // Market cancelled the order with a request still open: the request is closed with it.
      await tx.query(
        `UPDATE cancellation_requests SET state = 'CLOSED', decided_by = 'market', decided_at = $3
         WHERE campaign_id = $1 AND order_id = $2 AND state = 'PENDING'`,
        [campaignId, orderId, event.data.cancelledAt],
      );
      return;
    default:
      return;
  }
}

@Injectable()
export class CancellationReadModel implements OnModuleInit {
  constructor(private readonly subscriptions: EventStoreSubscriptions) {}

  onModuleInit(): void {
    this.subscriptions.register(READ_MODEL_SUBSCRIPTION, projectCancellations, { streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE], batchSize: 500 });
  }
}
