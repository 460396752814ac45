import type { EventStore, RecordedEvent } from '@orders/event-store';
import type { OutboundMessage } from '@orders/messaging';
import type { PoolClient } from 'pg';
import type { OrderSummary } from '../projections/order-state';

export const ORDER_STATE_RECORD = 'OrderState';
export const ORDER_STATE_ERASED = 'OrderStateErased';
export const STATE_RELAY_NAME = 'projector-order-state';

/**
 * orders.state.v1 goes out through an outbox, never straight from the consumer (rule 2, no dual writes): each new
 * state is appended to a small event store in the read-model database (schema `state_outbox`) inside the same
 * transaction as the inbox row, the journal row and the summary row, and @orders/messaging's relay publishes it
 * (idempotent producer, checkpoint after the ack, one order's records in log order). A crash anywhere re-publishes
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

/**
 * The relay's mapper. An erased order becomes a tombstone: the value is left undefined, which the relay hands to
 * kafkajs as a null record value (a real Kafka tombstone, not the JSON text "null"); the integration test reads
 * it back with kcat.
 */
export function orderStateMessage(topic: string): (event: RecordedEvent) => OutboundMessage | null {
  return (event) => {
    const data = event.data as { orderId: string };
    if (event.type === ORDER_STATE_ERASED) return { topic, key: data.orderId, value: undefined, eventType: ORDER_STATE_RECORD, schemaVersion: 1 };
    if (event.type === ORDER_STATE_RECORD) return { topic, key: data.orderId, value: event.data, eventType: ORDER_STATE_RECORD, schemaVersion: 1 };
    return null;
  };
}
