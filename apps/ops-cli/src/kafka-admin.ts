// The one place the CLI speaks kafkajs itself. @orders/messaging (another team's library, out of this change's
// scope) has no admin API for what operators ask: every topic, every consumer group and its committed offsets.
// When it grows one, this file goes; the rule that keeps kafkajs behind messaging is waived here only.
// eslint-disable-next-line no-restricted-imports
import { Kafka, logLevel, type Admin } from 'kafkajs';

export function adminOf(brokers: string): Admin {
  return new Kafka({ brokers: brokers.split(','), clientId: 'ops-cli', logLevel: logLevel.NOTHING }).admin();
}

export async function withAdmin<T>(brokers: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = adminOf(brokers);
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export interface PartitionBounds {
  partition: number;
  low: bigint;
  /** The next offset to be written. */
  high: bigint;
}

const vanished = (error: unknown): boolean => /does not host this topic-partition|UNKNOWN_TOPIC|not present in metadata/i.test((error as Error).message ?? '');

/**
 * The offsets of many topics, `undefined` for one deleted meanwhile. One short-lived admin client per topic: a
 * kafkajs admin adds every topic it is asked about to the metadata it refreshes from then on, so one client for
 * hundreds of topics slows down quadratically, and a single deleted topic fails every later call.
 */
export async function topicBounds(brokers: string, topics: readonly string[]): Promise<Map<string, PartitionBounds[] | undefined>> {
  const bounds = await mapLimit(topics, 16, async (topic) => {
    try {
      const offsets = await withAdmin(brokers, (admin) => admin.fetchTopicOffsets(topic));
      return offsets.map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) }));
    } catch (error) {
      if (vanished(error)) return undefined;
      throw error;
    }
  });
  return new Map(topics.map((topic, i) => [topic, bounds[i]]));
}

/** Runs `work` over `items`, at most `limit` at a time: a broker shared by many topics answers faster in parallel. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
