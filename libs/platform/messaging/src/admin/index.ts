// What operators ask the broker: topics, their offsets, and how far each consumer group is behind.
export { listTopics, topicOffsets } from './topic-offsets';
export type { PartitionOffsets } from './topic-offsets';
export { consumerGroupLag, lagByTopic } from './consumer-lag';
export type { ConsumerLagOptions, PartitionLag, TopicLag } from './consumer-lag';
