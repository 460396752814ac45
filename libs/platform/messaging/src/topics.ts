import { ConfigResourceTypes, type Admin, type ITopicConfig } from 'kafkajs';
import { createKafka, type KafkaOptions } from './kafka';

export interface TopicSpec {
  topic: string;
  /** Explicit: topics are never left to the broker's auto-create. */
  partitions: number;
  /** Default 1 (the single-node development broker). */
  replicationFactor?: number;
  /** e.g. { 'cleanup.policy': 'compact' } or { 'retention.ms': '604800000' }. */
  configs?: Record<string, string>;
  /** Also provision `<topic>.dlq` with the same partition count (default false). */
  deadLetter?: boolean;
}

export interface ProvisionResult {
  created: string[];
  existing: string[];
  partitionsAdded: string[];
  configsUpdated: string[];
}

/** The catalogue asks for fewer partitions than the topic has: Kafka cannot shrink it, so this needs a person. */
export class TopicMismatchError extends Error {
  readonly code = 'TOPIC_MISMATCH';
  constructor(
    readonly topic: string,
    readonly wanted: number,
    readonly actual: number,
  ) {
    super(`topic ${topic} has ${actual} partitions but ${wanted} were asked for; Kafka cannot reduce partitions`);
    this.name = 'TopicMismatchError';
  }
}

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Expands `deadLetter` into its own spec; a later duplicate of a name is dropped. */
function expand(specs: readonly TopicSpec[]): TopicSpec[] {
  const byName = new Map<string, TopicSpec>();
  for (const spec of specs) {
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1)
      throw new Error(`topic ${spec.topic}: partitions must be a positive integer`);
    if (!byName.has(spec.topic)) byName.set(spec.topic, spec);
    if (spec.deadLetter) {
      const dlq = dlqTopicOf(spec.topic);
      if (!byName.has(dlq))
        byName.set(dlq, { topic: dlq, partitions: spec.partitions, replicationFactor: spec.replicationFactor });
    }
  }
  return [...byName.values()];
}

/**
 * Creates missing topics, grows partition counts and sets differing configs. Idempotent, and safe when several
 * instances start together (a concurrent creator's "already exists" is accepted).
 */
export async function provisionTopics(kafka: KafkaOptions, specs: readonly TopicSpec[]): Promise<ProvisionResult> {
  const wanted = expand(specs);
  const result: ProvisionResult = { created: [], existing: [], partitionsAdded: [], configsUpdated: [] };
  if (wanted.length === 0) return result;
  const admin = createKafka(kafka, 'admin').admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = wanted.filter((s) => !present.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: false, topics: missing.map(toTopicConfig) });
      result.created.push(...missing.map((s) => s.topic));
    }
    const existing = wanted.filter((s) => present.has(s.topic));
    result.existing.push(...existing.map((s) => s.topic));
    await reconcile(admin, existing, result);
    await waitForMetadata(
      admin,
      wanted.map((s) => s.topic),
    );
    return result;
  } finally {
    await admin.disconnect();
  }
}

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  return {
    topic: spec.topic,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor ?? 1,
    configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
  };
}

async function reconcile(admin: Admin, specs: TopicSpec[], result: ProvisionResult): Promise<void> {
  if (specs.length === 0) return;
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
  const grow: Array<{ topic: string; count: number }> = [];
  for (const spec of specs) {
    const actual = topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
    if (actual > spec.partitions) throw new TopicMismatchError(spec.topic, spec.partitions, actual);
    if (actual < spec.partitions) grow.push({ topic: spec.topic, count: spec.partitions });
  }
  if (grow.length > 0) {
    await admin.createPartitions({ topicPartitions: grow });
    result.partitionsAdded.push(...grow.map((g) => g.topic));
  }
  const withConfigs = specs.flatMap((s) =>
    s.configs && Object.keys(s.configs).length > 0 ? [{ topic: s.topic, configs: s.configs }] : [],
  );
  if (withConfigs.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: withConfigs.map((s) => ({
      type: ConfigResourceTypes.TOPIC,
      name: s.topic,
      configNames: Object.keys(s.configs),
    })),
  });
  const stale = withConfigs.filter((spec) => {
    const entries = described.resources.find((r) => r.resourceName === spec.topic)?.configEntries ?? [];
    return Object.entries(spec.configs).some(
      ([name, value]) => entries.find((e) => e.configName === name)?.configValue !== value,
    );
  });
  if (stale.length === 0) return;
  // incremental alter is not in kafkajs 2.2: AlterConfigs replaces the topic's dynamic set, which is the spec's set
  await admin.alterConfigs({
    validateOnly: false,
    resources: stale.map((s) => ({
      type: ConfigResourceTypes.TOPIC,
      name: s.topic,
      configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
    })),
  });
  result.configsUpdated.push(...stale.map((s) => s.topic));
}

/**
 * A producer that starts right after creation may see no leader yet: wait until every partition has one. A loaded
 * broker can take seconds to show a new topic in its metadata, so "unknown topic" is retried here too.
 */
async function waitForMetadata(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(', ')} have no leader ${timeoutMs} ms after provisioning`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `<topic>.dlq` for each consumed topic, with the origin's partition count (so a key keeps its partition). */
export async function provisionDeadLetterTopics(
  kafka: KafkaOptions,
  topics: readonly string[],
): Promise<ProvisionResult> {
  const admin = createKafka(kafka, 'admin').admin();
  await admin.connect();
  let specs: TopicSpec[];
  try {
    const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
    specs = meta.map((t) => ({ topic: dlqTopicOf(t.name), partitions: t.partitions.length }));
  } finally {
    await admin.disconnect();
  }
  return provisionTopics(kafka, specs);
}
