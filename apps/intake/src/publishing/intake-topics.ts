import { TOPIC, topicDefinition } from '@orders/contracts';
import { CatalogueTopics } from '@orders/messaging/nest';

/**
 * The topics intake touches, under the configured prefix (`TOPIC_PREFIX`), named and provisioned by the
 * platform's one naming scheme; the catalogue (contracts) knows them without the prefix.
 */
export class IntakeTopics extends CatalogueTopics {
  readonly orderEvents: string;
  readonly externalOrders: string;
  readonly cancellationEvents: string;
  readonly consumerGroup: string;

  constructor(prefix: string) {
    super(prefix, topicDefinition);
    this.orderEvents = this.name(TOPIC.orderEvents);
    this.externalOrders = this.name(TOPIC.externalOrders);
    this.cancellationEvents = this.name(TOPIC.cancellationEvents);
    this.consumerGroup = this.group('intake');
  }
}
