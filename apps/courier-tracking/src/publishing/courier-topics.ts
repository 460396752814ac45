import { TOPIC, topicDefinition } from '@orders/contracts';
import type { TopicSpec } from '@orders/messaging';
import { catalogueTopicSet } from '@orders/messaging/nest';

/**
 * The topics courier-tracking produces and consumes, on the platform's one naming scheme. `TOPIC_PREFIX`
 * prefixes them and the consumer groups, so several environments (or test runs) share one cluster without seeing
 * each other's messages.
 */
export class CourierTopics extends catalogueTopicSet(topicDefinition, {
  topics: {
    deliveryEvents: TOPIC.deliveryEvents,
    positions: TOPIC.courierPositions,
    orderEvents: TOPIC.orderEvents,
    cancellationEvents: TOPIC.cancellationEvents,
  },
  groups: { policyGroup: 'courier-tracking', positionsGroup: 'courier-tracking-positions' },
}) {
  /** As the catalogue defines it, with its dead-letter topic (every topic of this service has one). */
  override spec(topic: string, options: { deadLetter?: boolean } = { deadLetter: true }): TopicSpec {
    return super.spec(topic, options);
  }
}

export const COURIER_TOPICS = Symbol('COURIER_TOPICS');
