import { Kafka, logLevel } from 'kafkajs';

/**
 * The baseline: a bare kafkajs consumer reading the same topic from the beginning and parsing each value, nothing else.
 * Returns messages per second from its first message to the last, and the CPU this process spent per message meanwhile.
 */
export async function rawConsumption(
  brokers: string[],
  topic: string,
  total: number,
  partitionsConsumedConcurrently: number,
): Promise<{ rate: number; cpuUs: number }> {
  const kafka = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let last = 0;
  let cpuAtFirst = process.cpuUsage();
  let cpuAtLast = cpuAtFirst;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    partitionsConsumedConcurrently,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (first === 0) {
        first = performance.now();
        cpuAtFirst = process.cpuUsage();
      }
      for (const message of batch.messages) {
        if (message.value) JSON.parse(message.value.toString());
        seen++;
      }
      resolveOffset(batch.lastOffset());
      await heartbeat();
      if (seen >= total) {
        last = performance.now();
        cpuAtLast = process.cpuUsage(cpuAtFirst);
        done();
      }
    },
  });
  await finished;
  await consumer.disconnect();
  return { rate: (seen / (last - first)) * 1000, cpuUs: (cpuAtLast.user + cpuAtLast.system) / seen };
}
