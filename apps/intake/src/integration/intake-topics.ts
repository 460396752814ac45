import { TOPIC, topicDefinition } from '@orders/contracts';
import type { TopicSpec } from '@orders/messaging';

/** The topics intake touches, with the configured prefix; the catalogue (contracts) knows them without it. */
export class IntakeTopics {
  readonly orderEvents: string;
  readonly externalOrders: string;
  readonly cancellationEvents: string;
  readonly consumerGroup: string;

  constructor(private readonly prefix: string) {
    this.orderEvents = prefix + TOPIC.orderEvents;
    this.externalOrders = prefix + TOPIC.externalOrders;
    this.cancellationEvents = prefix + TOPIC.cancellationEvents;
    this.consumerGroup = `${prefix}intake`;
  }

  /** The catalogue name of a (prefixed) topic. */
  canonical(topic: string): string {
    return this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }

  /** Provisioning as the catalogue defines it: partitions, cleanup policy and retention. */
  spec(topic: string): TopicSpec {
    const definition = topicDefinition(this.canonical(topic));
    if (!definition) throw new Error(`${topic} is not in the topic catalogue`);
    const configs: Record<string, string> = { 'cleanup.policy': definition.cleanupPolicy };
    if (definition.retentionMs !== null) configs['retention.ms'] = String(definition.retentionMs);
    return { topic, partitions: definition.partitions, configs };
  }
}
