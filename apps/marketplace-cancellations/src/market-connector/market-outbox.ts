import { Injectable } from '@nestjs/common';
import type { MarketplaceOrderEvent } from '@orders/cancellations-domain';
import type { PoolClient } from 'pg';
import type { OrderRef } from '../marketplace-orders/order-ref';

export type MarketCallOperation = 'acceptOrderCancellation' | 'getOrder';

/** A call to Market that the event log asks for: sent by MarketOutboxWorker, never by the command itself. */
export interface MarketCall {
  readonly operation: MarketCallOperation;
  readonly campaignId: string;
  readonly orderId: string;
  /** What asked for it: the cancellation request decided, or the order's creation (one GET per order). */
  readonly causeId: string;
  /** Market's request body (AcceptOrderCancellationRequest), when the method takes one. */
  readonly body?: { readonly accepted: boolean; readonly reason?: string };
  readonly decidedAt: string;
}

/**
 * The calls to Market that newly appended events ask for (pure): each decision of the shop, by an operator or a policy,
 * goes to PUT cancellation/accept; the order's creation (details from ORDER_CREATED) asks for Market's whole order.
 * An automatic acceptance at the deadline is Market's own (it auto-accepts too), so nothing is sent for it.
 */
export function marketCallsFor(ref: OrderRef, events: readonly MarketplaceOrderEvent[]): MarketCall[] {
  const { campaignId, orderId } = ref;
  return events.flatMap((event): MarketCall[] => {
    switch (event.type) {
      case 'CancellationAccepted':
        return [{ operation: 'acceptOrderCancellation', campaignId, orderId, causeId: event.data.requestId,
          body: { accepted: true }, decidedAt: event.data.decidedAt }];
      case 'CancellationRejected':
        return [{ operation: 'acceptOrderCancellation', campaignId, orderId, causeId: event.data.requestId,
          body: { accepted: false, reason: event.data.reason }, decidedAt: event.data.decidedAt }];
      case 'MarketOrderDetailsRecorded':
        return event.data.source === 'NOTIFICATION'
          ? [{ operation: 'getOrder', campaignId, orderId, causeId: 'order-created', decidedAt: event.data.asOf }]
          : [];
      default:
        return [];
    }
  });
}

/**
 * Wakes the outbox worker of this process when a command wrote calls (other instances find them by polling). Its own
 * provider, so the command path and the worker do not depend on each other.
 */
@Injectable()
export class MarketOutboxSignal {
  private listener?: () => void;

  onWritten(listener: () => void): void {
    this.listener = listener;
  }

  written(): void {
    this.listener?.();
  }
}

/** Written in the transaction of the events (the command handler's `alongside`); a repeated cause adds nothing. */
export async function writeMarketCalls(tx: PoolClient, calls: readonly MarketCall[], now: Date): Promise<void> {
  for (const call of calls) {
    await tx.query(
      `INSERT INTO market_outbox (operation, campaign_id, order_id, cause_id, body, decided_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (operation, campaign_id, order_id, cause_id) DO NOTHING`,
      [call.operation, call.campaignId, call.orderId, call.causeId, call.body ?? null, call.decidedAt, now],
    );
  }
}
