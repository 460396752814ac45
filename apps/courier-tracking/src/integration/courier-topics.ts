import { TOPIC, topicDefinition } from '@orders/contracts';
import type { TopicSpec } from '@orders/messaging';

/**
 * The topics courier-tracking produces and consumes. `COURIER_TOPIC_PREFIX` prefixes them and the consumer groups,
 * so several environments (or test runs) share one cluster without seeing each other's messages.
 */
export class CourierTopics {
  readonly deliveryEvents: string;
  readonly positions: string;
  readonly orderEvents: string;
  readonly cancellationEvents: string;
  readonly policyGroup: string;
  readonly positionsGroup: string;

  constructor(readonly prefix: string) {
    if (!/^[\w.-]{0,100}$/.test(prefix)) throw new Error('COURIER_TOPIC_PREFIX: only letters, digits, ".", "_" and "-" are allowed');
    this.deliveryEvents = prefix + TOPIC.deliveryEvents;
    this.positions = prefix + TOPIC.courierPositions;
    this.orderEvents = prefix + TOPIC.orderEvents;
    this.cancellationEvents = prefix + TOPIC.cancellationEvents;
    this.policyGroup = `${prefix}courier-tracking`;
    this.positionsGroup = `${prefix}courier-tracking-positions`;
  }

  /** The catalogue name of a (prefixed) topic. */
  canonical(topic: string): string {
    return topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }

  /** Partitions, cleanup and retention as the catalogue defines them. */
  spec(topic: string): TopicSpec {
    const definition = topicDefinition(this.canonical(topic));
    if (!definition) throw new Error(`${topic} is not in the topic catalogue`);
    const configs: Record<string, string> = { 'cleanup.policy': definition.cleanupPolicy };
    if (definition.retentionMs !== null) configs['retention.ms'] = String(definition.retentionMs);
    return { topic, partitions: definition.partitions, configs, deadLetter: true };
  }
}

export const COURIER_TOPICS = Symbol('COURIER_TOPICS');
