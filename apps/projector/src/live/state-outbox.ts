import type { EventStore } from '@orders/event-store';
import type { PoolClient } from 'pg';
import type { OrderSummary } from '../projections/order-state';

export const ORDER_STATE_RECORD = 'OrderState';
export const ORDER_STATE_ERASED = 'OrderStateErased';
export const STATE_RELAY_NAME = 'projector-order-state';

/**
 * orders.state.v1 goes out through an outbox, never straight from the consumer (rule 2, no dual writes): each new
 * state is appended to a small event store in the read-model database (schema `state_outbox`) inside the same
 * transaction as the inbox rows, the journal rows and the summary rows, and the state publisher (a relay) publishes it (idempotent
 * producer, checkpoint after the ack, one order's records in log order). A crash anywhere re-publishes
 * at worst (a compacted topic keeps the last record per key, and records carry a growing `version`), never loses
 * or invents a state. Using the event store as the outbox also gives commit-safe order and a lease for free.
 *
 * One outbox stream per consumed partition (`orderstate-<topic>-<partition>`), not per order: the store takes one
 * append per transaction (it must be the first write), and a chunk of a partition holds many orders. A partition
 * is already processed by one group member at a time, so its stream is never contended; the stream only numbers
 * and hash-chains the records. Each order's records keep their order through the commit-safe global log the
 * publisher reads: the order locks are taken before this append gives the transaction its id (see lockOrders).
 */
export class StateOutbox {
  constructor(private readonly store: EventStore) {}

  static streamOf(topic: string, partition: number): string {
    return `orderstate-${topic}-${partition}`;
  }

  /** Must be the transaction's first write (event-store rule); the caller appends before touching its tables. */
  async append(tx: PoolClient, stream: string, summaries: readonly OrderSummary[]): Promise<void> {
    if (summaries.length === 0) return;
    await this.store.appendWithin(tx, stream, 'any', summaries.map((summary) => {
      const { orderId, tenantId } = summary.state;
      return summary.erased ? { type: ORDER_STATE_ERASED, data: { orderId, tenantId } } : { type: ORDER_STATE_RECORD, data: summary.state };
    }), { streamType: 'orderstate' });
  }
}
