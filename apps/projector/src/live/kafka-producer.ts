import type { KafkaOptions } from '@orders/messaging';
// kafkajs directly, in this one file: @orders/messaging's relay JSON-encodes every value and has no plain producer,
// so it can send neither a tombstone (null value) nor a replayed message with its original headers.
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';

/** An idempotent producer (acks=all) that replaces itself after a failed send, so a re-send is accepted in order. */
export class IdempotentProducer {
  private producer?: Producer;

  constructor(private readonly kafka: KafkaOptions, private readonly role: string) {}

  async send(topic: string, messages: Message[]): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.send({ topic, acks: -1, messages });
    } catch (error) {
      // A fresh producer id restarts the sequence numbers, so the re-sent batch is accepted.
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const { brokers, clientId } = this.kafka;
    const level = this.kafka.logLevel === 'nothing' ? logLevel.NOTHING : logLevel.ERROR;
    const kafka = new Kafka({ brokers: typeof brokers === 'string' ? brokers.split(',') : [...brokers], clientId: `${clientId ?? 'projector'}-${this.role}`, logLevel: level });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producer = producer;
    return producer;
  }
}
