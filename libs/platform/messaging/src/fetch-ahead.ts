import type { Consumer, TopicPartitionOffset } from 'kafkajs';
import type { MessagingLogger } from './kafka';

/**
 * Batches fetched ahead of their handling, one lane per partition.
 *
 * kafkajs fetches again only once every batch of the last fetch has returned from eachBatch. When handling is
 * CPU-bound, as with positions, the process then sits idle for each fetch's round trip: about a tenth of the time.
 * With lanes, eachBatch queues the batch on its partition's lane and returns, so the next fetch travels while the lane
 * works. A lane runs its batches one after another, so each partition stays in order. A lane holds at most `depth`
 * batches; past that, eachBatch waits, and that wait is the backpressure that stops fetching.
 *
 * A rebalance (or a stop) makes every batch fetched before it stale. A stale batch that has not started is dropped:
 * kafkajs fetches its partition again from the last commit, whoever owns it now.
 */
export class PartitionLanes {
  private readonly lanes = new Map<string, { tail: Promise<void>; queued: number }>();
  private generation = 0;

  constructor(private readonly depth: number, private readonly logger: MessagingLogger) {}

  /**
   * Queues `work` behind the partition's earlier batches. Resolves once the lane has room for another batch.
   * `current()` tells the work whether its batch is still the member's to handle.
   */
  async enqueue(topic: string, partition: number, work: (current: () => boolean) => Promise<void>): Promise<void> {
    const key = `${topic}/${partition}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), queued: 0 };
      this.lanes.set(key, lane);
    }
    const generation = this.generation;
    const current = () => generation === this.generation;
    const ahead = lane.tail;
    const queued = lane;
    queued.queued += 1;
    lane.tail = ahead.then(() => work(current)).then(
      () => void (queued.queued -= 1),
      (error: unknown) => {
        // The work handles its own failures; one escaping here is a bug, and must not stop the partition's lane.
        queued.queued -= 1;
        this.logger.error(`stream consumer: a batch of ${key} failed outside its handler`, { error: String(error) });
      },
    );
    if (queued.queued > this.depth) await ahead;
  }

  /** Batches queued before now and not yet started are dropped (a rebalance, a stop). */
  invalidate(): void {
    this.generation += 1;
  }

  /** Resolves when every lane has finished what it holds. */
  async drained(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.tail));
  }
}

/**
 * The offsets of handled batches, committed together right after: one request for every batch that completed in
 * the same turn of the event loop. Commits go out one at a time, in order, and each one names the next offset to read.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, TopicPartitionOffset>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly consumer: Consumer, private readonly groupId: string, private readonly logger: MessagingLogger) {}

  /** The batch ending at `lastOffset` was handled. */
  completed(topic: string, partition: number, lastOffset: string): void {
    this.pending.set(`${topic}/${partition}`, { topic, partition, offset: (BigInt(lastOffset) + 1n).toString() });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  /** Commits what completed so far; resolves once every commit requested until now was answered. */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.pending.size === 0) return this.chain;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.chain = this.chain.then(() => this.consumer.commitOffsets(offsets)).catch((error: unknown) => {
      // Either a rebalance moved the partitions, and their new owner reads on from the last commit (at least once),
      // or the coordinator was briefly away, and the partition's next batch commits a later offset anyway.
      this.logger.warn(`stream consumer ${this.groupId}: offsets not committed`, { error: String(error) });
    });
    return this.chain;
  }
}
