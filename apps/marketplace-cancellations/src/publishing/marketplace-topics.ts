import { TOPIC, topicDefinition } from '@orders/contracts';
import { catalogueTopicSet } from '@orders/messaging/nest';

/**
 * The topics marketplace-cancellations produces and consumes, and its consumer group, on the platform's one naming
 * scheme. `TOPIC_PREFIX` prefixes them (empty in production), so several environments (or test runs) share one
 * cluster without seeing each other's messages; partitions, retention and decoding come from the catalogue.
 */
export class MarketplaceTopics extends catalogueTopicSet(topicDefinition, {
  topics: {
    /** In: Market notifications relayed on Kafka (stored in the inbox of POST /notification). */
    notifications: TOPIC.marketplaceNotifications,
    /** In: courier-tracking's delivery events (DeliveryFinished, policy P1). */
    deliveryEvents: TOPIC.deliveryEvents,
    /** Out: the relay of MarketplaceOrder events. */
    cancellationEvents: TOPIC.cancellationEvents,
  },
  groups: { consumerGroup: 'marketplace-cancellations' },
}) {}
