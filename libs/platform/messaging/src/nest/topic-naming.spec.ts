import { catalogueTopicSet } from './topic-naming';

const catalogue = (name: string) =>
  ['orders.v1', 'positions.v1'].includes(name)
    ? { partitions: 6, cleanupPolicy: 'delete' as const, retentionMs: null }
    : undefined;

class ProbeTopics extends catalogueTopicSet(catalogue, {
  topics: { orders: 'orders.v1', positions: 'positions.v1' },
  groups: { consumerGroup: 'probe' },
}) {}

describe("catalogueTopicSet: a service's topics by role, on the one naming scheme", () => {
  it('names every topic and group under the prefix, and maps them back to the catalogue', () => {
    const topics = new ProbeTopics('staging.');
    expect([topics.orders, topics.positions, topics.consumerGroup]).toEqual([
      'staging.orders.v1',
      'staging.positions.v1',
      'staging.probe',
    ]);
    expect(topics.canonical(topics.positions)).toBe('positions.v1');
    expect(topics.spec(topics.orders)).toMatchObject({ topic: 'staging.orders.v1', partitions: 6 });
  });

  it('is the catalogue name itself without a prefix, and refuses a prefix Kafka would not take', () => {
    expect(new ProbeTopics('').orders).toBe('orders.v1');
    expect(() => new ProbeTopics('a b')).toThrow(/topic prefix/);
  });
});
