import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { DLQ_HEADER, DLQ_HEADER_PREFIX, readHeaders } from './headers';
import { createKafka, idempotentProducer, type KafkaOptions } from './kafka';
import { dlqTopicOf } from './topics';

export interface DeadLetter {
  dlqTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** The original headers plus the `dlq-*` ones. */
  headers: Record<string, string>;
  origin: { topic: string; partition: number; offset: string; groupId?: string };
  error: { class: string; message: string; code?: string; classification: string; attempts: number; failedAt: string };
}

export interface DeadLetterRange {
  partition?: number;
  /** Inclusive. */
  fromOffset?: string | number;
  /** Inclusive. */
  toOffset?: string | number;
  limit?: number;
}

export interface RedriveResult {
  from: { topic: string; partition: number; offset: string };
  to: { topic: string; partition: number; offset: string };
}

const READ_TIMEOUT_MS = 60_000;

/** Accepts an origin topic or its `.dlq`. */
function dlqName(topic: string): string {
  return topic.endsWith('.dlq') ? topic : dlqTopicOf(topic);
}

function toDeadLetter(dlqTopic: string, partition: number, message: KafkaMessage): DeadLetter {
  const headers = readHeaders(message.headers);
  return {
    dlqTopic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value, headers,
    origin: {
      topic: headers[DLQ_HEADER.originTopic] ?? '', partition: Number(headers[DLQ_HEADER.originPartition] ?? -1),
      offset: headers[DLQ_HEADER.originOffset] ?? '', ...(headers[DLQ_HEADER.groupId] ? { groupId: headers[DLQ_HEADER.groupId] } : {}),
    },
    error: {
      class: headers[DLQ_HEADER.errorClass] ?? '', message: headers[DLQ_HEADER.errorMessage] ?? '',
      ...(headers[DLQ_HEADER.errorCode] ? { code: headers[DLQ_HEADER.errorCode] } : {}),
      classification: headers[DLQ_HEADER.classification] ?? '', attempts: Number(headers[DLQ_HEADER.attempts] ?? 0),
      failedAt: headers[DLQ_HEADER.failedAt] ?? '',
    },
  };
}

/** The message a redrive sends: the original key, value and headers; `event-id` unchanged, so inboxes still dedupe. */
export function redriveMessage(letter: DeadLetter): Message {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(letter.headers)) if (!name.startsWith(DLQ_HEADER_PREFIX)) headers[name] = value;
  headers[DLQ_HEADER.redrivenFrom] = `${letter.dlqTopic}/${letter.partition}@${letter.offset}`;
  return { key: letter.key, value: letter.value, headers };
}

/** Dead-letter tooling for operators (the ops CLI): list, show, redrive one or a range to the origin topic. */
export class DeadLetters {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;

  constructor(options: { kafka: KafkaOptions }) {
    this.kafka = createKafka(options.kafka, 'dead-letters');
  }

  async list(topic: string, range: DeadLetterRange = {}): Promise<DeadLetter[]> {
    const dlqTopic = dlqName(topic);
    const bounds = await this.bounds(dlqTopic, range);
    if (bounds.size === 0) return [];
    const letters = await this.read(dlqTopic, bounds);
    letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return range.limit === undefined ? letters : letters.slice(0, range.limit);
  }

  async show(topic: string, partition: number, offset: string | number): Promise<DeadLetter | undefined> {
    const [letter] = await this.list(topic, { partition, fromOffset: offset, toOffset: offset });
    return letter;
  }

  async redrive(topic: string, partition: number, offset: string | number): Promise<RedriveResult> {
    const letter = await this.show(topic, partition, offset);
    if (!letter) throw new Error(`no dead letter at ${dlqName(topic)}/${partition}@${offset}`);
    const [result] = await this.send([letter]);
    return result;
  }

  /** Redrives the letters of the range in DLQ order (each origin partition keeps its order). */
  async redriveAll(topic: string, range: DeadLetterRange = {}): Promise<RedriveResult[]> {
    return this.send(await this.list(topic, range));
  }

  /**
   * The dead-letter topics whose names start with `prefix` and how many letters each holds (high - low per
   * partition: a dead-letter topic is never compacted), so an overview reads no letter.
   */
  async topics(prefix = ''): Promise<{ dlqTopic: string; letters: number }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics()).filter((t) => t.endsWith('.dlq') && t.startsWith(prefix)).sort();
      const out: { dlqTopic: string; letters: number }[] = [];
      for (const dlqTopic of names) {
        const offsets = await admin.fetchTopicOffsets(dlqTopic).catch(() => undefined); // deleted since listed
        if (offsets) out.push({ dlqTopic, letters: offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0) });
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private async send(letters: DeadLetter[]): Promise<RedriveResult[]> {
    const results: RedriveResult[] = [];
    if (letters.length === 0) return results;
    if (!this.producer) {
      const producer = idempotentProducer(this.kafka);
      await producer.connect();
      this.producer = producer;
    }
    // one at a time: the broker's offset for each is reported back, and order within an origin partition is kept
    for (const letter of letters) {
      if (!letter.origin.topic) throw new Error(`${letter.dlqTopic}/${letter.partition}@${letter.offset} has no ${DLQ_HEADER.originTopic} header`);
      const [meta] = await this.producer.send({ topic: letter.origin.topic, acks: -1, messages: [redriveMessage(letter)] });
      results.push({
        from: { topic: letter.dlqTopic, partition: letter.partition, offset: letter.offset },
        to: { topic: letter.origin.topic, partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '' },
      });
    }
    return results;
  }

  /** Per partition: [first, last] offsets to read, clipped to what the log holds. */
  private async bounds(dlqTopic: string, range: DeadLetterRange): Promise<Map<number, { first: bigint; last: bigint }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(dlqTopic);
      const out = new Map<number, { first: bigint; last: bigint }>();
      for (const p of offsets) {
        if (range.partition !== undefined && p.partition !== range.partition) continue;
        const low = BigInt(p.low);
        const high = BigInt(p.high); // next offset to be written
        const first = range.fromOffset !== undefined && BigInt(range.fromOffset) > low ? BigInt(range.fromOffset) : low;
        const last = range.toOffset !== undefined && BigInt(range.toOffset) < high - 1n ? BigInt(range.toOffset) : high - 1n;
        if (first <= last) out.set(p.partition, { first, last });
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * kafkajs reads only through a consumer group: a throwaway group seeks each partition to its first offset,
   * commits nothing and is deleted afterwards.
   */
  private async read(dlqTopic: string, bounds: Map<number, { first: bigint; last: bigint }>): Promise<DeadLetter[]> {
    const groupId = `dlq-reader-${randomBytes(6).toString('hex')}`;
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    const letters: DeadLetter[] = [];
    const open = new Set(bounds.keys());
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const wanted = bounds.get(batch.partition);
            if (!wanted) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= wanted.first && offset <= wanted.last) letters.push(toDeadLetter(dlqTopic, batch.partition, message));
              if (offset >= wanted.last) open.delete(batch.partition);
            }
            if (BigInt(batch.lastOffset()) >= wanted.last) open.delete(batch.partition);
            if (open.size === 0) resolve();
          },
        }).catch(reject);
      });
      for (const [partition, { first }] of bounds) consumer.seek({ topic: dlqTopic, partition, offset: first.toString() });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${dlqTopic} did not finish within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      });
      await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin = this.kafka.admin();
      await admin.connect().then(() => admin.deleteGroups([groupId])).catch(() => undefined).finally(() => admin.disconnect());
    }
    return letters;
  }
}
