import type { EventStore } from '@orders/event-store';
import type { PoolClient } from 'pg';
import type { OrderSummary } from '../projections/order-state';

export const ORDER_STATE_RECORD = 'OrderState';
export const ORDER_STATE_ERASED = 'OrderStateErased';
export const STATE_RELAY_NAME = 'projector-order-state';

/**
 * orders.state.v1 goes out through an outbox, never straight from the consumer (rule 2, no dual writes): each new
 * state is appended to a small event store in the read-model database (schema `state_outbox`) inside the same
 * transaction as the inbox row, the journal row and the summary row, and the StatePublisher relays it (idempotent
 * producer, checkpoint after the ack, one order's records in log order). A crash anywhere re-publishes
 * at worst (a compacted topic keeps the last record per key, and records carry a growing `version`), never loses
 * or invents a state. Using the event store as the outbox also gives commit-safe order and a lease for free.
 */
export class StateOutbox {
  constructor(private readonly store: EventStore) {}

  /** Must be the transaction's first write (event-store rule); the caller appends before touching its tables. */
  async append(tx: PoolClient, summary: OrderSummary): Promise<void> {
    const { orderId, tenantId } = summary.state;
    await this.store.appendWithin(tx, `orderstate-${orderId}`, 'any', [summary.erased
      ? { type: ORDER_STATE_ERASED, data: { orderId, tenantId } }
      : { type: ORDER_STATE_RECORD, data: summary.state }], { streamType: 'orderstate', tenant: tenantId });
  }
}
