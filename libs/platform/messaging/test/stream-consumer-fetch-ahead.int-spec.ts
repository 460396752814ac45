// The stream consumer fetches ahead of its handler (PartitionLanes). Against the real broker: batches fetched while
// an earlier one is retried wait behind it; a stop commits the batch in hand and drops those fetched ahead, so the
// group hands those out again.
import { createStreamConsumer, HEADER, provisionTopics } from '../src';
import { kafkaOptions, unique, until, useUpstreamAndConsumers } from './support';

const upstream = useUpstreamAndConsumers();
const { running } = upstream;

const tick = (n: number) => ({ key: 'k', value: String(n), headers: { [HEADER.eventId]: `tick-${n}`, [HEADER.eventType]: 'Tick' } });
const numbersOf = (batch: { messages: readonly { value: Buffer | null }[] }) => batch.messages.map((m) => Number(m.value?.toString()));

describe('stream consumer fetching ahead', () => {
  it('keeps batches fetched during a retry behind the failing one, in offset order', async () => {
    const topic = unique('msg-it.ahead-retry');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    const attempts: number[][] = [];
    let failuresLeft = 3;
    const consumer = createStreamConsumer({
      kafka: kafkaOptions(), groupId: unique('it-ahead-retry'), topics: [topic], retry: { initialDelayMs: 200, maxDelayMs: 200 },
      handle: (batch) => {
        attempts.push(numbersOf(batch));
        if (numbersOf(batch).includes(0) && failuresLeft-- > 0) throw new Error('not yet');
      },
    });
    running.push(consumer);
    await consumer.start();

    await upstream.source.send(topic, [tick(0)]);
    await until('the first attempt', () => attempts.length >= 1);
    // Sent while 0 is being retried: fetched ahead (its offset was resolved), queued behind it.
    await upstream.source.send(topic, [tick(1)]);
    await upstream.source.send(topic, [tick(2)]);
    await until('every tick handled', () => attempts.flat().includes(2));

    const handled = attempts.flat();
    expect(handled.filter((n) => n === 0)).toHaveLength(4);
    expect(handled.indexOf(1)).toBeGreaterThan(handled.lastIndexOf(0));
    expect(handled.slice(handled.lastIndexOf(0))).toEqual([0, 1, 2]);
  });

  it('on stop commits the batch in hand and leaves the batches fetched ahead to the next member', async () => {
    const topic = unique('msg-it.ahead-stop');
    const groupId = unique('it-ahead-stop');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    const first: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const consumer = createStreamConsumer({
      kafka: kafkaOptions(), groupId, topics: [topic],
      handle: (batch) => {
        first.push(...numbersOf(batch));
        return numbersOf(batch).includes(0) ? held : undefined;
      },
    });
    running.push(consumer);
    await consumer.start();
    await upstream.source.send(topic, [tick(0)]);
    await until('tick 0 in hand', () => first.includes(0));
    await upstream.source.send(topic, [tick(1)]);
    // Give the fetch time to bring tick 1 in behind the held batch; it must not be handled yet.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(first).toEqual([0]);

    const stopped = consumer.stop();
    release();
    await stopped;
    expect(first).toEqual([0]);

    const second: number[] = [];
    const next = createStreamConsumer({ kafka: kafkaOptions(), groupId, topics: [topic], handle: (batch) => void second.push(...numbersOf(batch)) });
    running.push(next);
    await next.start();
    await until('tick 1 handed out again', () => second.includes(1));
    expect(second).toEqual([1]);
  });
});
