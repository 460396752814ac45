import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';
import type { MessagingLogger } from '@orders/messaging';

// Shared pieces of the messaging benchmark: names, payloads, waits, and the raw kafkajs side of each comparison.

export const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
export const quiet: MessagingLogger = { warn: () => undefined, error: (message) => console.error(message) };
export const kafkaOptions = { brokers, clientId: 'bench', logLevel: 'nothing' as const, logger: quiet };

export const rawKafka = new Kafka({ clientId: 'bench-raw', brokers: [brokers], logLevel: logLevel.NOTHING });

export const name = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** An order event of a realistic size (about 300 bytes of JSON). */
export function orderPayload(i: number): Record<string, unknown> {
  return {
    orderId: `order-${i % 200}`, sequence: i, status: 'ACCEPTED', total: { amount: 1250 + i, currency: 'EUR' },
    lines: [{ sku: 'PIZZA-MARGHERITA', quantity: 2, price: 450 }, { sku: 'COLA-05', quantity: 1, price: 350 }],
    personalDataRef: `pd-${i % 200}`, acceptedBy: 'operator-7',
  };
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Polls a condition: benchmarks measure until something is true, not for a fixed time. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 120_000, everyMs = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('benchmark condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The producer settings the relay uses, for the raw baseline. */
export async function rawProducer(): Promise<Producer> {
  const producer = rawKafka.producer({
    idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sends batches one after the other, each acknowledged by all in-sync replicas before the next. */
export async function sendSequentially(producer: Producer, topic: string, messages: Message[], batch: number): Promise<void> {
  for (let i = 0; i < messages.length; i += batch) {
    await producer.sendBatch({ acks: -1, timeout: 10_000, topicMessages: [{ topic, messages: messages.slice(i, i + batch) }] });
  }
}
