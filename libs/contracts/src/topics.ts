/**
 * The Kafka topics of the platform (architecture.md, "Kafka topics"). Partition counts are explicit because topics
 * are provisioned at start-up, never auto-created: the count bounds how many instances of a consumer group share
 * the work, and changing it later re-maps keys to partitions (breaking per-key order for messages in flight).
 */

export const TOPIC = {
  externalOrders: 'intake.external-orders.v1',
  orderEvents: 'intake.order-events.v1',
  courierPositions: 'courier.positions.v1',
  deliveryEvents: 'courier.delivery-events.v1',
  marketplaceNotifications: 'marketplace.notifications.v1',
  cancellationEvents: 'marketplace.cancellation-events.v1',
  orderState: 'orders.state.v1',
} as const;

export type TopicName = (typeof TOPIC)[keyof typeof TOPIC];

/** The services and parties named as producers and consumers. */
export type Party =
  | 'upstream systems' | 'intake' | 'courier-tracking' | 'marketplace-cancellations' | 'read-model projector'
  | 'courier apps' | 'marketplace webhook relay' | 'downstream services' | 'operators';

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicDefinition {
  readonly name: TopicName;
  readonly description: string;
  /** `inbound`: from systems outside; `integration`: our services' public events; `state`: latest state, compacted. */
  readonly kind: 'inbound' | 'integration' | 'state';
  readonly partitions: number;
  readonly key: string;
  readonly cleanupPolicy: CleanupPolicy;
  /** How long Kafka keeps messages (`retention.ms`); `null` keeps them until compaction replaces them. */
  readonly retentionMs: number | null;
  readonly producers: readonly Party[];
  readonly consumers: readonly Party[];
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Why these numbers:
 * - 6 partitions for order-keyed topics: per-order traffic is a handful of messages, so the count only bounds
 *   consumer parallelism; 6 lets a group scale to 2, 3 or 6 instances evenly, and costs little on one broker.
 * - 12 for positions: the busiest topic (1,000 couriers × a point every 5 s ≈ 200 batches/s), keyed by courier;
 *   visit detection is per courier, so more partitions spread it over more instances.
 * - Retention: Kafka carries copies for integration; each service's event store is the source of truth and the
 *   relay can republish, so 7 days covers a long outage of a consumer, 30 days for the events read models and
 *   audits replay, 2 days for positions (stale within minutes, and the largest by volume).
 */
export const TOPICS: readonly TopicDefinition[] = [
  {
    name: TOPIC.externalOrders, kind: 'inbound', partitions: 6, key: 'external order id (externalId)',
    description: 'External online orders submitted by web sites, aggregators and marketplaces; intake validates and receives them.',
    cleanupPolicy: 'delete', retentionMs: 7 * DAY_MS, producers: ['upstream systems'], consumers: ['intake'],
  },
  {
    name: TOPIC.orderEvents, kind: 'integration', partitions: 6, key: 'order id (orderId)',
    description: 'Public events of intake orders: received, accepted, contents confirmed, dispatched, archived, rejected, cancelled.',
    cleanupPolicy: 'delete', retentionMs: 30 * DAY_MS, producers: ['intake'],
    consumers: ['courier-tracking', 'marketplace-cancellations', 'read-model projector'],
  },
  {
    name: TOPIC.courierPositions, kind: 'inbound', partitions: 12, key: 'courier id (courierId)',
    description: 'Batches of courier positions (Track & Trace push-positions-v3 shape) feeding arrival, visit and automatic delivery detection.',
    cleanupPolicy: 'delete', retentionMs: 2 * DAY_MS, producers: ['courier apps', 'courier-tracking'], consumers: ['courier-tracking'],
  },
  {
    name: TOPIC.deliveryEvents, kind: 'integration', partitions: 6, key: 'order id (orderId)',
    description: 'Public events of deliveries: created, status changed, finished, cancelled, closed, reopened, erased.',
    cleanupPolicy: 'delete', retentionMs: 30 * DAY_MS, producers: ['courier-tracking'],
    consumers: ['intake', 'marketplace-cancellations', 'read-model projector'],
  },
  {
    name: TOPIC.marketplaceNotifications, kind: 'inbound', partitions: 6, key: 'marketplace order id (orderId)',
    description: 'Yandex Market push notifications relayed by upstream systems, in Market\'s own shapes.',
    cleanupPolicy: 'delete', retentionMs: 7 * DAY_MS, producers: ['marketplace webhook relay', 'upstream systems'],
    consumers: ['marketplace-cancellations'],
  },
  {
    name: TOPIC.cancellationEvents, kind: 'integration', partitions: 6, key: 'order id (orderId)',
    description: 'Public events of marketplace orders and buyer cancellation requests: requested, accepted, rejected, expired, cancelled, status changed.',
    cleanupPolicy: 'delete', retentionMs: 30 * DAY_MS, producers: ['marketplace-cancellations'],
    consumers: ['intake', 'courier-tracking', 'read-model projector'],
  },
  {
    name: TOPIC.orderState, kind: 'state', partitions: 6, key: 'order id (orderId)',
    description: 'Latest combined state of each order (compacted: one record per key survives); a tombstone (null value) after erasure.',
    cleanupPolicy: 'compact', retentionMs: null, producers: ['read-model projector'], consumers: ['downstream services'],
  },
];

/** How long tombstones stay readable on compacted topics, so a consumer that was down a day still sees deletions. */
export const TOMBSTONE_RETENTION_MS = DAY_MS;
export const DLQ_SUFFIX = '.dlq';
/**
 * Dead letters wait for an operator: long retention. A dead-letter topic has its origin's partition count, as the
 * messaging runner provisions it, so a key keeps its partition number there too.
 */
export const DLQ_RETENTION_MS = 30 * DAY_MS;

/** The dead-letter topic of a topic: `<topic>.dlq` (architecture rule 5). */
export const dlqTopicOf = (topic: string): string => `${topic}${DLQ_SUFFIX}`;

export const isDlqTopic = (topic: string): boolean => topic.endsWith(DLQ_SUFFIX);

/** The origin topic of a dead-letter topic. */
export const originTopicOfDlq = (dlqTopic: string): string => {
  if (!isDlqTopic(dlqTopic)) throw new Error(`${dlqTopic} is not a dead-letter topic (no ${DLQ_SUFFIX} suffix)`);
  return dlqTopic.slice(0, -DLQ_SUFFIX.length);
};

export function topicDefinition(name: string): TopicDefinition | undefined {
  return TOPICS.find((topic) => topic.name === name);
}

/** A topic to provision: name, partitions and Kafka topic configuration entries (the broker's own names). */
export interface TopicProvisioning {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configEntries: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export function provisioningOf(topic: TopicDefinition): TopicProvisioning {
  const configEntries = topic.cleanupPolicy === 'compact'
    ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'delete.retention.ms', value: String(TOMBSTONE_RETENTION_MS) }]
    : [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: String(topic.retentionMs ?? -1) }];
  return { topic: topic.name, numPartitions: topic.partitions, configEntries };
}

export function dlqProvisioningOf(topic: TopicDefinition): TopicProvisioning {
  return {
    topic: dlqTopicOf(topic.name), numPartitions: topic.partitions,
    configEntries: [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: String(DLQ_RETENTION_MS) }],
  };
}

/** Every topic of the catalogue and its dead-letter topic, ready for start-up provisioning. */
export function allTopicProvisioning(): TopicProvisioning[] {
  return TOPICS.flatMap((topic) => [provisioningOf(topic), dlqProvisioningOf(topic)]);
}
