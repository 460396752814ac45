import type { EventStore, RecordedEvent, Subscription } from '@orders/event-store';
import { provisionTopics, relayHeaders, type KafkaOptions } from '@orders/messaging';
// The one kafkajs use in the apps: @orders/messaging's relay JSON-encodes every value, so it cannot send the null
// value a compacted topic needs for a tombstone (kafkajs refuses `undefined`, and `null` becomes the text "null").
// Until the relay passes `value: null` through, this publisher does the same job for orders.state.v1 only.
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
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
 */
export class StatePublisher {
  private subscription?: Subscription;
  private producer?: Producer;

  constructor(private readonly options: StatePublisherOptions) {}

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
    await this.discardProducer();
  }

  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const messages = events.filter((e) => e.type === ORDER_STATE_RECORD || e.type === ORDER_STATE_ERASED).map((event) => {
      const key = (event.data as { orderId: string }).orderId;
      const value = event.type === ORDER_STATE_ERASED ? null : JSON.stringify(event.data);
      return { key, value, headers: relayHeaders(event, { topic: this.options.topic, key, value: null, eventType: ORDER_STATE_RECORD, schemaVersion: 1 }) };
    });
    if (messages.length === 0) return;
    const producer = await this.connected();
    try {
      await producer.send({ topic: this.options.topic, acks: -1, messages });
    } catch (error) {
      // A fresh producer id restarts the sequence numbers, so the re-sent batch is accepted.
      await this.discardProducer();
      throw error;
    }
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const { brokers, clientId } = this.options.kafka;
    const kafka = new Kafka({ brokers: typeof brokers === 'string' ? brokers.split(',') : [...brokers], clientId: `${clientId ?? 'projector'}-state`, logLevel: logLevel.ERROR });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
