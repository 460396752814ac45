/**
 * Kafka as the services see it, in memory: topics of partitions (key → partition, order kept within one partition
 * only), consumer groups with committed offsets, and an inbox per group. What the simulator varies is which
 * partition is read next (reordering across partitions), duplicates from the relay, and crashes between a handler's
 * effect, its inbox record and the offset commit, which make Kafka deliver the same message again.
 */
export interface SimMessage {
  /** The source event's id: the inbox and the idempotency key of the command it causes are derived from it. */
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** What a handler says about a message: done (commit it), or retry later (a conflict: nothing committed). */
export type HandlerOutcome = 'done' | 'retry';
export type MessageHandler = (message: SimMessage, group: string) => Promise<HandlerOutcome>;

/** Where a simulated process dies while handling one message. */
export type Crash = 'none' | 'after-effect' | 'after-inbox';

interface Consumer {
  readonly group: string;
  readonly topic: string;
  readonly handler: MessageHandler;
  readonly offsets: number[];
  readonly inbox: Set<string>;
}

export interface DeliveryReport {
  readonly group: string;
  readonly message: SimMessage;
  readonly outcome: 'handled' | 'duplicate' | 'retry' | 'crashed';
}

export class MemoryTransport {
  private readonly topics = new Map<string, SimMessage[][]>();
  private readonly consumers: Consumer[] = [];
  published = 0;

  constructor(private readonly partitions: number) {}

  publish(message: SimMessage): void {
    this.partitionsOf(message.topic)[partitionOf(message.key, this.partitions)].push(message);
    this.published += 1;
  }

  subscribe(group: string, topic: string, handler: MessageHandler): void {
    this.partitionsOf(topic);
    this.consumers.push({ group, topic, handler, offsets: new Array<number>(this.partitions).fill(0), inbox: new Set() });
  }

  /** Every (consumer, partition) with an uncommitted message, in a fixed order the PRNG picks from. */
  backlog(): Array<{ consumer: number; partition: number }> {
    const ready: Array<{ consumer: number; partition: number }> = [];
    this.consumers.forEach((c, consumer) => {
      const log = this.topics.get(c.topic) as SimMessage[][];
      for (let partition = 0; partition < this.partitions; partition++) {
        if (c.offsets[partition] < log[partition].length) ready.push({ consumer, partition });
      }
    });
    return ready;
  }

  /**
   * Delivers the next message of one partition to one group, as a Kafka consumer would after a (re)start: the
   * message at the committed offset. The inbox makes a redelivered message a no-op; the offset moves only after
   * the effect and the inbox record, so a crash before the commit means the same message again.
   */
  async deliver(consumer: number, partition: number, crash: Crash): Promise<DeliveryReport> {
    const c = this.consumers[consumer];
    const message = (this.topics.get(c.topic) as SimMessage[][])[partition][c.offsets[partition]];
    if (c.inbox.has(message.id)) {
      c.offsets[partition] += 1;
      return { group: c.group, message, outcome: 'duplicate' };
    }
    const outcome = await c.handler(message, c.group);
    if (outcome === 'retry') return { group: c.group, message, outcome };
    if (crash === 'after-effect') return { group: c.group, message, outcome: 'crashed' };
    c.inbox.add(message.id);
    if (crash === 'after-inbox') return { group: c.group, message, outcome: 'crashed' };
    c.offsets[partition] += 1;
    return { group: c.group, message, outcome: 'handled' };
  }

  private partitionsOf(topic: string): SimMessage[][] {
    let log = this.topics.get(topic);
    if (!log) this.topics.set(topic, (log = Array.from({ length: this.partitions }, () => [])));
    return log;
  }
}

/** A stable string hash (FNV-1a), standing in for Kafka's murmur2 partitioner: same key, same partition. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % partitions;
}
