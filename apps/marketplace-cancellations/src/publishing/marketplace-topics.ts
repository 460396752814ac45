import { TOPIC, topicDefinition } from '@orders/contracts';
import { CatalogueTopics } from '@orders/messaging/nest';

/**
 * The topics marketplace-cancellations produces and consumes, and its consumer group, on the platform's one naming
 * scheme. `TOPIC_PREFIX` prefixes them (empty in production), so several environments (or test runs)
 * share one cluster without seeing each other's messages; partitions, retention and decoding come from the catalogue.
 */
export class MarketplaceTopics extends CatalogueTopics {
  /** In: Market notifications relayed on Kafka (stored in the inbox of POST /notification). */
  readonly notifications: string;
  /** In: courier-tracking's delivery events (DeliveryFinished, policy P1). */
  readonly deliveryEvents: string;
  /** Out: the relay of MarketplaceOrder events. */
  readonly cancellationEvents: string;
  readonly consumerGroup: string;

  constructor(prefix: string) {
    super(prefix, topicDefinition);
    this.notifications = this.name(TOPIC.marketplaceNotifications);
    this.deliveryEvents = this.name(TOPIC.deliveryEvents);
    this.cancellationEvents = this.name(TOPIC.cancellationEvents);
    this.consumerGroup = this.group('marketplace-cancellations');
  }
}
