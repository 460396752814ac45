import { AnyMessageDefinition, encodeMessage } from '@orders/contracts';
import { uuidv7 } from '@orders/event-store';
import { Kafka, logLevel } from 'kafkajs';

export const kafka = new Kafka({ brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:19092'], clientId: 'courier-tracking-spec', logLevel: logLevel.NOTHING });

/** Publishes integration events as their producers would: contract-encoded, with the envelope headers. */
export async function publish<P>(topic: string, definition: AnyMessageDefinition, payloads: readonly P[], correlationId?: string): Promise<string[]> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const ids: string[] = [];
    const messages = payloads.map((payload) => {
      const eventId = uuidv7();
      ids.push(eventId);
      const encoded = encodeMessage(definition, payload, { eventId, occurredAt: new Date().toISOString(), correlationId });
      return { key: encoded.key, value: encoded.value, headers: encoded.headers };
    });
    await producer.send({ topic, acks: -1, messages });
    return ids;
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage { key: string | null; value: string | null; headers: Record<string, string> }

/** Every message on a topic from the beginning, read with a throwaway group, until `done` holds or the deadline. */
export async function readTopic(topic: string, done: (messages: ReadMessage[]) => boolean, timeoutMs = 15_000): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `spec-reader-${uuidv7()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push({
          key: message.key?.toString() ?? null, value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
        if (done(messages)) finish();
      },
    });
    const timer = setTimeout(finish, timeoutMs);
    await finished;
    clearTimeout(timer);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
