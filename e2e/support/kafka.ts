import { encodeMessage, type AnyMessageDefinition, type PayloadOf } from '@orders/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

const client = (brokers: string, clientId: string): Kafka => new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/** An upstream system publishing contract messages (envelope headers and all) to a topic of this run. */
export class Upstream {
  private readonly producer: Producer;

  constructor(brokers: string) {
    this.producer = client(brokers, 'e2e-upstream').producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async publish<D extends AnyMessageDefinition>(topic: string, definition: D, payload: PayloadOf<D>, correlationId: string): Promise<void> {
    const message = encodeMessage(definition, payload, { eventId: randomUUID(), correlationId, occurredAt: new Date().toISOString() });
    await this.producer.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value, headers: { ...message.headers } }] });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** Deletes the topics (DLQs included) and consumer groups whose names start with this run's prefix. */
export async function deleteKafkaLeftovers(brokers: string, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete Kafka topics and groups without a prefix');
  const admin = client(brokers, 'e2e-cleanup').admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const mine = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    if (mine.length > 0) await admin.deleteGroups(mine).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
