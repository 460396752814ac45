import { Kafka, logLevel } from 'kafkajs';

/** Deletes every topic whose name starts with `prefix`: a test file's or a benchmark run's own topics leave with it. */
export async function deleteTopicsWithPrefix(prefix: string, brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092'): Promise<void> {
  if (!prefix) throw new Error('refusing to delete topics without a prefix');
  const admin = new Kafka({ clientId: 'intake-topic-cleanup', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
