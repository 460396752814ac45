import type { Producer } from 'kafkajs';
import { createKafka, idempotentProducer, type KafkaOptions } from './kafka';

/** A message to publish: the key picks the partition (Java-compatible murmur2); a null value is a tombstone. */
export interface PublishMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  /** A repeated header is an array (a dead letter keeps the headers as they arrived). */
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
  /** Overrides the key's partition. */
  partition?: number;
  timestamp?: string;
}

/**
 * A plain publisher on the library's one idempotent producer configuration, acks=all: the key, value and headers go
 * out as given (tombstones and replays with original headers included). Connected on first send; after a failed send
 * the producer is replaced, so a re-send starts a fresh producer id and is accepted in order.
 */
export class Publisher {
  private producer: Promise<Producer> | undefined;

  constructor(private readonly kafka: KafkaOptions, private readonly role = 'publisher') {}

  async send(topic: string, messages: readonly PublishMessage[]): Promise<void> {
    const connecting = this.connected();
    try {
      await (await connecting).send({ topic, acks: -1, messages: messages as PublishMessage[] });
    } catch (error) {
      if (this.producer === connecting) this.producer = undefined;
      await connecting.then((producer) => producer.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  /** Waits for nothing in flight: call it after the last send resolved. */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** One connection shared by concurrent first sends. */
  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = idempotentProducer(createKafka(this.kafka, this.role));
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }
}
