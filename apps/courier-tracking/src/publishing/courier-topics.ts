import { TOPIC, topicDefinition } from '@orders/contracts';
import type { TopicSpec } from '@orders/messaging';
import { CatalogueTopics } from '@orders/messaging/nest';

/**
 * The topics courier-tracking produces and consumes, on the platform's one naming scheme. `TOPIC_PREFIX`
 * prefixes them and the consumer groups, so several environments (or test runs) share one cluster without seeing
 * each other's messages.
 */
export class CourierTopics extends CatalogueTopics {
  readonly deliveryEvents: string;
  readonly positions: string;
  readonly orderEvents: string;
  readonly cancellationEvents: string;
  readonly policyGroup: string;
  readonly positionsGroup: string;

  constructor(prefix: string) {
    super(prefix, topicDefinition);
    this.deliveryEvents = this.name(TOPIC.deliveryEvents);
    this.positions = this.name(TOPIC.courierPositions);
    this.orderEvents = this.name(TOPIC.orderEvents);
    this.cancellationEvents = this.name(TOPIC.cancellationEvents);
    this.policyGroup = this.group('courier-tracking');
    this.positionsGroup = this.group('courier-tracking-positions');
  }

  /** As the catalogue defines it, with its dead-letter topic (every topic of this service has one). */
  override spec(topic: string, options: { deadLetter?: boolean } = { deadLetter: true }): TopicSpec {
    return super.spec(topic, options);
  }
}

export const COURIER_TOPICS = Symbol('COURIER_TOPICS');
