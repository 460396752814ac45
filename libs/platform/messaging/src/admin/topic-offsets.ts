import type { KafkaOptions } from '../kafka';
import { mapLimit, vanished, withAdmin } from './admin-client';

export interface PartitionOffsets {
  partition: number;
  /** The earliest offset the log still holds. */
  low: bigint;
  /** The high watermark: the next offset to be written. */
  high: bigint;
}

/** The broker's topics, optionally only those whose names start with `prefix`, sorted. */
export async function listTopics(kafka: KafkaOptions, prefix = ''): Promise<string[]> {
  return withAdmin(kafka, async (admin) => (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort());
}

/**
 * The offsets of many topics, `undefined` for one deleted meanwhile. One short-lived admin client per topic: a
 * kafkajs admin adds every topic it is asked about to the metadata it refreshes from then on, so one client for
 * hundreds of topics slows down quadratically, and a single deleted topic fails every later call.
 */
export async function topicOffsets(
  kafka: KafkaOptions,
  topics: readonly string[],
): Promise<Map<string, PartitionOffsets[] | undefined>> {
  const offsets = await mapLimit(topics, 16, async (topic) => {
    try {
      const partitions = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
      return partitions.map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) }));
    } catch (error) {
      if (vanished(error)) return undefined;
      throw error;
    }
  });
  return new Map(topics.map((topic, i) => [topic, offsets[i]]));
}
