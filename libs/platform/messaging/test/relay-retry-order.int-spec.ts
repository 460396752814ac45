// The relay reads its next page while a batch is being sent; a send the broker refuses must still be retried before
// anything after it goes out, so every key's messages arrive in log order and the checkpoint only follows acks.
import { Kafka, logLevel } from 'kafkajs';
import { compareCheckpoints, START, type RecordedEvent } from '@orders/event-store';
import { createTestEventStore, type TestEventStore } from '@orders/event-store/testing';
import { createRelay, provisionTopics, type Relay } from '../src';
import { brokers, kafkaOptions, unique, until } from './support';

const KEYS = 4;
const PER_KEY = 10;

const kafka = new Kafka({ clientId: 'msg-it-relay-order', brokers: [brokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
let fixture: TestEventStore;
let relay: Relay | undefined;

// a loaded machine can take longer than jest's default 5 s to connect and migrate a fresh schema
beforeAll(async () => {
  await admin.connect();
  fixture = await createTestEventStore({ prefix: 'relay_order' });
}, 30_000);

afterAll(async () => {
  await relay?.stop();
  await admin.disconnect();
  await fixture?.drop();
});

/** Every message of a topic: its key and event-id header, in each partition's order. */
async function readTopic(topic: string, count: number): Promise<Array<{ key: string; eventId: string }>> {
  const seen: Array<{ key: string; eventId: string }> = [];
  const consumer = kafka.consumer({ groupId: unique('msg-it-relay-order'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key?.toString() ?? '', eventId: message.headers?.['event-id']?.toString() ?? '' });
      },
    });
    await until('the whole topic read', () => seen.length >= count, 60_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

it('retries a refused send before the batches read after it, keeping every key in log order', async () => {
  const topic = unique('msg-it.relay-order');
  const missing = `${topic}-missing`; // never created, and auto-create is off: a send to it is refused
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 3 }]);
  for (let n = 0; n < PER_KEY; n++) {
    await Promise.all(Array.from({ length: KEYS }, (_, k) => fixture.store.append(`order-${k}`, 'any', [{ type: 'Stepped', data: { n } }])));
  }
  const log: RecordedEvent[] = [];
  await until('the log visible', async () => (log.splice(0, log.length, ...(await fixture.store.readAll({ limit: 1000 })).events)).length === KEYS * PER_KEY);
  const poisoned = log[13].eventId; // in the second batch of 8: the first went out, the third is read ahead
  let refusals = 0;
  const mapped: string[] = [];
  relay = createRelay({
    store: fixture.store, kafka: kafkaOptions({ requestTimeoutMs: 2000 }), name: unique('relay-order'),
    subscription: { batchSize: 8, pollIntervalMs: 100, retry: { initialDelayMs: 50, maxDelayMs: 200 } },
    producer: { ackTimeoutMs: 2000 },
    map: (event) => {
      mapped.push(event.eventId);
      const refuse = event.eventId === poisoned && refusals === 0;
      return { topic: refuse ? missing : topic, key: event.streamId, value: event.data };
    },
    onError: () => { refusals += 1; },
  });
  await relay.start();
  await until('the refused batch sent again', () => refusals >= 1 && mapped.filter((id) => id === poisoned).length >= 2, 60_000);
  const messages = await readTopic(topic, log.length);

  expect(messages).toHaveLength(log.length); // the refused send wrote nothing, and nothing was lost
  for (let k = 0; k < KEYS; k++) {
    const key = `order-${k}`;
    expect(messages.filter((m) => m.key === key).map((m) => m.eventId)).toEqual(log.filter((e) => e.streamId === key).map((e) => e.eventId));
  }
  // pages of 8 in log order; the refused second batch (events 8..15) is mapped again before the third is. The third
  // page, read ahead while the second was being sent, was mapped (encoded) ahead once too: it went with the refused
  // batch, and is read and mapped again after it.
  const position = (id: string) => log.findIndex((e) => e.eventId === id);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const positions = mapped.map(position);
  const retry = positions.indexOf(8, positions.indexOf(8) + 1); // the second batch mapped again
  expect([range(0, 16), range(0, 24)]).toContainEqual(positions.slice(0, retry));
  expect(positions.slice(retry)).toEqual(range(8, KEYS * PER_KEY));
  await until('the checkpoint past the last event', async () => {
    const checkpoint = (await fixture.store.subscriptionStatus(relay?.name ?? ''))?.checkpoint ?? START;
    const last = log[log.length - 1];
    return compareCheckpoints(checkpoint, { transactionId: last.transactionId, globalPosition: last.globalPosition }) >= 0;
  });
  await admin.deleteTopics({ topics: [topic] });
}, 120_000);
