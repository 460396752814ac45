import type { Admin } from 'kafkajs';
import { createKafka, type KafkaOptions } from '../kafka';

/** One short-lived admin client for `work`, always disconnected. */
export async function withAdmin<T>(kafka: KafkaOptions, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(kafka, 'admin').admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
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

/** A topic deleted between listing it and asking about it. */
export const vanished = (error: unknown): boolean =>
  /does not host this topic-partition|UNKNOWN_TOPIC|not present in metadata/i.test((error as Error).message ?? '');
