import type { KafkaOptions } from '../kafka';
import { mapLimit, withAdmin } from './admin-client';
import { topicOffsets } from './topic-offsets';

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  groupId: string;
  topic: string;
  partition: number;
  /** The group's committed offset (the next it will read); null when it committed none on this partition. */
  committed: string | null;
  /** The high watermark: the next offset to be written. */
  high: string;
  /** high − committed; with nothing committed, what the log holds (the services start at the earliest offset). */
  lag: number;
}

/** A group's lag on one topic, summed over its partitions (what `ops status` prints). */
export interface TopicLag {
  groupId: string;
  topic: string;
  partitions: number;
  lag: number;
}

export interface ConsumerLagOptions {
  /** Only groups whose ids start with it (a deployment's topic prefix names its groups too). */
  prefix?: string;
}

// The dead-letter reader's throwaway groups are not consumers anyone waits on.
const THROWAWAY_GROUP = /^dlq-reader-/;

/**
 * Lag per consumer group, topic and partition: the committed offsets of every group (but the dead-letter readers')
 * against the partitions' high watermarks. Topics deleted since a group committed are left out (history).
 */
export async function consumerGroupLag(kafka: KafkaOptions, options: ConsumerLagOptions = {}): Promise<PartitionLag[]> {
  const prefix = options.prefix ?? '';
  const committed = await withAdmin(kafka, async (admin) => {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => !THROWAWAY_GROUP.test(g) && g.startsWith(prefix))
      .sort();
    return mapLimit(groups, 16, async (groupId) => ({ groupId, topics: await admin.fetchOffsets({ groupId }) }));
  });
  const ends = await topicOffsets(kafka, [...new Set(committed.flatMap((c) => c.topics.map((t) => t.topic)))]);
  const rows: PartitionLag[] = [];
  for (const { groupId, topics } of committed) {
    for (const { topic, partitions } of [...topics].sort((a, b) => a.topic.localeCompare(b.topic))) {
      const end = ends.get(topic);
      if (!end) continue;
      // Every partition of the topic: one the group never committed on is unread (the broker does not list it).
      for (const bounds of [...end].sort((a, b) => a.partition - b.partition)) {
        const found = partitions.find((p) => p.partition === bounds.partition);
        const offset = found ? BigInt(found.offset) : -1n;
        const at = offset < 0n ? bounds.low : offset;
        rows.push({
          groupId,
          topic,
          partition: bounds.partition,
          committed: offset < 0n ? null : offset.toString(),
          high: bounds.high.toString(),
          lag: Number(bounds.high > at ? bounds.high - at : 0n),
        });
      }
    }
  }
  return rows;
}

/** Partition rows summed per group and topic, in their order. */
export function lagByTopic(rows: readonly PartitionLag[]): TopicLag[] {
  const byKey = new Map<string, TopicLag>();
  for (const row of rows) {
    const key = `${row.groupId}\u0000${row.topic}`;
    const sum = byKey.get(key) ?? { groupId: row.groupId, topic: row.topic, partitions: 0, lag: 0 };
    sum.partitions += 1;
    sum.lag += row.lag;
    byKey.set(key, sum);
  }
  return [...byKey.values()];
}
