// The admin part's answers against the real broker: topics, offsets and each consumer group's lag per partition.
import { Kafka, logLevel } from 'kafkajs';
import { consumerGroupLag, lagByTopic, listTopics, provisionTopics, topicOffsets } from '../src';
import { brokers, kafkaOptions, unique } from './support';

jest.setTimeout(60_000);

describe('consumer-group lag and topic offsets (real Kafka)', () => {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'msg-it-lag', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  // Topics and groups of this run only: a unique prefix, as a deployment's TOPIC_PREFIX names both.
  const prefix = `${unique('msg-it-lag')}.`;
  const orders = `${prefix}orders`;
  const other = `${prefix}other`;
  const reader = `${prefix}reader`;
  const idle = `${prefix}idle`;

  beforeAll(async () => {
    await admin.connect();
    await provisionTopics(kafkaOptions(), [
      { topic: orders, partitions: 2 },
      { topic: other, partitions: 1 },
    ]);
    // Idempotent, one request in flight: a retry under load must not write the messages twice (the exact offsets
    // asserted below count them).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const messages = (partition: number, count: number) =>
        Array.from({ length: count }, (_, i) => ({ partition, key: `k${i}`, value: `v${i}` }));
      await producer.send({ topic: orders, acks: -1, messages: [...messages(0, 5), ...messages(1, 3)] });
      await producer.send({ topic: other, acks: -1, messages: messages(0, 4) });
    } finally {
      await producer.disconnect();
    }
    // The reader read 2 of partition 0's 5 and committed nothing on partition 1; the idle group is caught up.
    await admin.setOffsets({ groupId: reader, topic: orders, partitions: [{ partition: 0, offset: '2' }] });
    await admin.setOffsets({ groupId: idle, topic: other, partitions: [{ partition: 0, offset: '4' }] });
  });

  afterAll(async () => {
    await admin.deleteGroups([reader, idle]).catch(() => undefined);
    await admin.deleteTopics({ topics: [orders, other] });
    await admin.disconnect();
  });

  it('lists the topics under a prefix with their low and high offsets', async () => {
    expect(await listTopics(kafkaOptions(), prefix)).toEqual([orders, other]);
    const offsets = await topicOffsets(kafkaOptions(), [orders, `${prefix}missing`]);
    expect(offsets.get(orders)?.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, low: 0n, high: 5n },
      { partition: 1, low: 0n, high: 3n },
    ]);
    expect(offsets.get(`${prefix}missing`)).toBeUndefined();
  });

  it("answers each group's lag per partition: committed offset against the high watermark", async () => {
    const rows = await consumerGroupLag(kafkaOptions(), { prefix });
    expect(rows).toEqual([
      { groupId: idle, topic: other, partition: 0, committed: '4', high: '4', lag: 0 },
      { groupId: reader, topic: orders, partition: 0, committed: '2', high: '5', lag: 3 },
      // Nothing committed: the group will read the whole log from the earliest offset.
      { groupId: reader, topic: orders, partition: 1, committed: null, high: '3', lag: 3 },
    ]);
    expect(lagByTopic(rows)).toEqual([
      { groupId: idle, topic: other, partitions: 1, lag: 0 },
      { groupId: reader, topic: orders, partitions: 2, lag: 6 },
    ]);
  });

  it('leaves out the groups of other deployments', async () => {
    const rows = await consumerGroupLag(kafkaOptions(), { prefix: `${prefix}reader` });
    expect(new Set(rows.map((r) => r.groupId))).toEqual(new Set([reader]));
  });
});
