import type { EventStore } from '@orders/event-store';
import { Relay, type KafkaOptions } from '@orders/messaging';
import { ORDER_STATE_ERASED, ORDER_STATE_RECORD } from './state-outbox';

export interface StatePublisherOptions {
  store: EventStore;
  kafka: KafkaOptions;
  topic: string;
  partitions: number;
  name: string;
}

/**
 * The relay of the state outbox to the compacted orders.state.v1: a leased event-store subscription whose checkpoint
 * commits only after the broker acknowledged (idempotent producer, acks=all), so a failure re-sends and nothing is
 * lost; one order's records keep their log order. An erased order's record is a real tombstone (a null value, not
 * the JSON text "null"). The platform's relay, so its lag, metrics and trace spans are those of every relay.
 */
export function statePublisher(options: StatePublisherOptions): Relay {
  const { store, kafka, topic, partitions, name } = options;
  return new Relay({
    store, kafka, name,
    topics: [{ topic, partitions, configs: { 'cleanup.policy': 'compact' } }],
    subscription: { batchSize: 500 },
    map: (event) => {
      if (event.type !== ORDER_STATE_RECORD && event.type !== ORDER_STATE_ERASED) return null;
      const key = (event.data as { orderId: string }).orderId;
      return { topic, key, value: event.data, tombstone: event.type === ORDER_STATE_ERASED, eventType: ORDER_STATE_RECORD, schemaVersion: 1 };
    },
  });
}
