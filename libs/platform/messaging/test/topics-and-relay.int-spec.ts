// Topic provisioning is explicit and idempotent; the relay's checkpoint never passes an unacknowledged event.
import { Kafka, logLevel } from 'kafkajs';
import { compareCheckpoints, START } from '@orders/event-store';
import { createTestEventStore, type TestEventStore } from '@orders/event-store/testing';
import { createRelay, provisionTopics, TopicMismatchError, type Relay } from '../src';
import { brokers, kafkaOptions, unique, until } from './support';

const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

async function describeTopic(topic: string): Promise<{ partitions: number; retention?: string }> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
  });
  return { partitions: topics[0].partitions.length, retention: configs.resources[0].configEntries[0]?.configValue };
}

describe('topic provisioning', () => {
  it('creates, then leaves alone, grows partitions, updates configs and refuses to shrink', async () => {
    const topic = unique('msg-it.topics');
    const spec = { topic, partitions: 2, configs: { 'retention.ms': '86400000' }, deadLetter: true };
    expect(await provisionTopics(kafkaOptions(), [spec])).toMatchObject({
      created: [topic, `${topic}.dlq`],
      existing: [],
    });
    expect(await describeTopic(topic)).toEqual({ partitions: 2, retention: '86400000' });
    expect(await describeTopic(`${topic}.dlq`)).toMatchObject({ partitions: 2 });

    expect(await provisionTopics(kafkaOptions(), [spec])).toEqual({
      created: [],
      existing: [topic, `${topic}.dlq`],
      partitionsAdded: [],
      configsUpdated: [],
    });

    const grown = await provisionTopics(kafkaOptions(), [
      { topic, partitions: 3, configs: { 'retention.ms': '3600000' } },
    ]);
    expect(grown).toMatchObject({ partitionsAdded: [topic], configsUpdated: [topic] });
    expect(await describeTopic(topic)).toEqual({ partitions: 3, retention: '3600000' });

    await expect(provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }])).rejects.toBeInstanceOf(
      TopicMismatchError,
    );
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] });
  }, 60_000);
});

describe('relay checkpoint', () => {
  let fixture: TestEventStore;
  let relay: Relay | undefined;

  beforeAll(async () => {
    fixture = await createTestEventStore({ prefix: 'relay_ack' });
  });
  afterAll(async () => {
    await relay?.stop();
    await fixture?.drop();
  });

  it('stays put while the broker refuses the batch and moves once it is acknowledged', async () => {
    const topic = unique('msg-it.late');
    await fixture.store.append(
      'order-1',
      'no_stream',
      [1, 2, 3].map((n) => ({ type: 'Stepped', data: { n } })),
    );
    let failures = 0;
    relay = createRelay({
      store: fixture.store,
      kafka: kafkaOptions({ requestTimeoutMs: 2000 }),
      name: 'late-topic',
      subscription: { pollIntervalMs: 100, retry: { initialDelayMs: 50, maxDelayMs: 200 } },
      producer: { ackTimeoutMs: 2000 },
      map: (event) => ({ topic, key: event.streamId, value: event.data }),
      onError: () => {
        failures += 1;
      },
    });
    await relay.start(); // the topic does not exist yet and auto-create is off: every publish fails
    await until('a refused publish', () => failures >= 1, 60_000);
    expect((await fixture.store.subscriptionStatus('late-topic'))?.checkpoint).toEqual(START);
    expect(await relay.lagSeconds()).toBeGreaterThan(0);

    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    // the checkpoint may move past the last event (to the commit horizon): compare, do not expect a position
    await until(
      'the checkpoint moved',
      async () =>
        compareCheckpoints((await fixture.store.subscriptionStatus('late-topic'))?.checkpoint ?? START, START) > 0,
      60_000,
    );
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets[0].high)).toBeGreaterThanOrEqual(3); // duplicates allowed, losses not
    expect(await relay.lagSeconds()).toBe(0);
    await admin.deleteTopics({ topics: [topic] });
  }, 90_000);
});
