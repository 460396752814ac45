import { Kafka, logLevel } from 'kafkajs';

/**
 * The baseline: a bare kafkajs consumer reading the same topic from the beginning and parsing each value, nothing else.
 * Returns messages per second from its first message to the last.
 */
export async function rawConsumption(brokers: string[], topic: string, total: number, partitionsConsumedConcurrently: number): Promise<number> {
  const kafka = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let last = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    partitionsConsumedConcurrently,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (first === 0) first = performance.now();
      for (const message of batch.messages) {
        if (message.value) JSON.parse(message.value.toString());
        seen++;
      }
      resolveOffset(batch.lastOffset());
      await heartbeat();
      if (seen >= total) {
        last = performance.now();
        done();
      }
    },
  });
  await finished;
  await consumer.disconnect();
  return (seen / (last - first)) * 1000;
}
