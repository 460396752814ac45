import type { TopicSpec } from '../topics';

/** What the topic catalogue says of a topic (`topicDefinition` of `@orders/contracts` fits). */
export interface CatalogueEntry {
  readonly partitions: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  readonly retentionMs: number | null;
}

/**
 * The one naming scheme of topics and consumer groups: the catalogue name behind a prefix (empty in production;
 * environments sharing a cluster and test runs set their own). Partitions, cleanup and retention always come from
 * the catalogue, never from the app.
 */
export class CatalogueTopics {
  constructor(readonly prefix: string, private readonly catalogue: (name: string) => CatalogueEntry | undefined) {
    if (!/^[\w.-]{0,100}$/.test(prefix)) {
      throw new Error(`topic prefix ${JSON.stringify(prefix)}: only letters, digits, ".", "_" and "-"`);
    }
  }

  /** The physical name of a catalogue topic. */
  name(catalogueName: string): string {
    return this.prefix + catalogueName;
  }

  /** A consumer group (or relay) name under the same prefix. */
  group(name: string): string {
    return this.prefix + name;
  }

  /** The catalogue name of a physical topic (what the decoders judge it by). */
  canonical(topic: string): string {
    return this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }

  /**
   * Provisioning of a physical topic as the catalogue defines it; `deadLetter` adds `<topic>.dlq`. `catalogueName`
   * names its catalogue topic when the physical name is configured whole rather than prefixed.
   */
  spec(topic: string, options: { deadLetter?: boolean; catalogueName?: string } = {}): TopicSpec {
    const entry = this.catalogue(options.catalogueName ?? this.canonical(topic));
    if (!entry) throw new Error(`${topic} is not in the topic catalogue`);
    const configs: Record<string, string> = { 'cleanup.policy': entry.cleanupPolicy };
    if (entry.retentionMs !== null) configs['retention.ms'] = String(entry.retentionMs);
    return { topic, partitions: entry.partitions, configs, ...(options.deadLetter ? { deadLetter: true } : {}) };
  }
}

/** A service's topics by role: the catalogue topic of each, and the name of each of its consumer groups. */
export interface TopicSetDefinition<T extends string, G extends string> {
  readonly topics: Readonly<Record<T, string>>;
  readonly groups: Readonly<Record<G, string>>;
}

/**
 * The class of one service's topics under a prefix: one field per role with its physical topic name, and one per
 * consumer group, on the naming scheme above. A service extends it (`class IntakeTopics extends catalogueTopicSet(
 * topicDefinition, { topics: { orderEvents: TOPIC.orderEvents }, groups: { consumerGroup: 'intake' } }) {}`), so
 * the roles are declared once, as data, and typed.
 */
export function catalogueTopicSet<T extends string, G extends string>(
  catalogue: (name: string) => CatalogueEntry | undefined, definition: TopicSetDefinition<T, G>,
): new (prefix: string) => CatalogueTopics & Readonly<Record<T | G, string>> {
  class TopicSet extends CatalogueTopics {
    constructor(prefix: string) {
      super(prefix, catalogue);
      const names = Object.entries<string>(definition.topics).map(([role, topic]) => [role, this.name(topic)]);
      const groups = Object.entries<string>(definition.groups).map(([role, group]) => [role, this.group(group)]);
      Object.assign(this, Object.fromEntries([...names, ...groups]));
    }
  }
  return TopicSet as new (prefix: string) => CatalogueTopics & Readonly<Record<T | G, string>>;
}
