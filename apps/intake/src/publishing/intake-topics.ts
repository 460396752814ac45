import { TOPIC, topicDefinition } from '@orders/contracts';
import { catalogueTopicSet } from '@orders/messaging/nest';

/**
 * The topics intake touches, under the configured prefix (`TOPIC_PREFIX`), named and provisioned by the
 * platform's one naming scheme; the catalogue (contracts) knows them without the prefix.
 */
export class IntakeTopics extends catalogueTopicSet(topicDefinition, {
  topics: {
    orderEvents: TOPIC.orderEvents,
    externalOrders: TOPIC.externalOrders,
    cancellationEvents: TOPIC.cancellationEvents,
  },
  groups: { consumerGroup: 'intake' },
}) {}
