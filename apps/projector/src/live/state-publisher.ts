import type { EventStore, RecordedEvent, Subscription } from '@orders/event-store';
import { Publisher, provisionTopics, relayHeaders, relayTimestamp, type KafkaOptions } from '@orders/messaging';
import { ORDER_STATE_ERASED, ORDER_STATE_RECORD } from './state-outbox';

export interface StatePublisherOptions {
  store: EventStore;
  kafka: KafkaOptions;
  topic: string;
  partitions: number;
  name: string;
}

/**
 * Tails the state outbox (a leased event-store subscription) and publishes each record to the compacted topic,
 * inside the subscription's transaction: the checkpoint commits only after the broker acknowledged (idempotent
 * producer, acks=all), so a failure re-sends and nothing is lost; one order's records keep their log order.
 * It does what @orders/messaging's relay does, plus real tombstones (null values), which that relay cannot send
 * yet: an erased order's record has a null value, not the JSON text "null".
 */
export class StatePublisher {
  private subscription?: Subscription;
  private readonly producer: Publisher;

  constructor(private readonly options: StatePublisherOptions) {
    this.producer = new Publisher(options.kafka, 'state');
  }

  async start(): Promise<void> {
    const { kafka, topic, partitions } = this.options;
    await provisionTopics(kafka, [{ topic, partitions, configs: { 'cleanup.policy': 'compact' } }]);
    this.subscription = this.options.store.subscribe(this.options.name, (events) => this.publish(events), {
      batchSize: 500, retry: { initialDelayMs: 200, maxDelayMs: 2000 },
    });
    await this.subscription.start();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.producer.close();
  }

  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const messages = events.filter((e) => e.type === ORDER_STATE_RECORD || e.type === ORDER_STATE_ERASED).map((event) => {
      const key = (event.data as { orderId: string }).orderId;
      const value = event.type === ORDER_STATE_ERASED ? null : JSON.stringify(event.data);
      return {
        key, value, timestamp: relayTimestamp(event),
        headers: relayHeaders(event, { topic: this.options.topic, key, value: null, eventType: ORDER_STATE_RECORD, schemaVersion: 1 }),
      };
    });
    if (messages.length > 0) await this.producer.send(this.options.topic, messages);
  }
}
