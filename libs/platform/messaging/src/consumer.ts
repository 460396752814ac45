import type { Pool } from 'pg';
import type { Batch, Consumer as KafkaConsumer, EachBatchPayload, Kafka } from 'kafkajs';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { DEFAULT_BATCH_CHUNK, type BatchHandler } from './batch-handler';
import { deadLetterOf, type Failure } from './dead-letter';
import { jsonDecoder } from './decoder';
import { isRetryableByDefault } from './errors';
import { Inbox } from './inbox/inbox';
import { DEFAULT_INBOX_SCHEMA, runMessagingMigrations } from './inbox/migrations';
import { InboxPruner, type InboxPruningOptions } from './inbox/pruning';
import { createKafka, groupMember, loggerOf, rawMessageOf, runGroupMember, type KafkaOptions, type MessagingLogger } from './kafka';
import { Publisher } from './publisher';
import type { LogScope } from './log-scope';
import { MessageProcessor } from './message-processor';
import { consumerLag } from './metrics';
import { dlqTopicOf, provisionDeadLetterTopics } from './topics';
import type { Decoder, InboundMessage, MessageHandler, RawMessage } from './types';

export interface ConsumerOptions {
  kafka: KafkaOptions;
  groupId: string;
  topics: string[];
  /** The service's database: inbox rows and the handler's effects commit together. */
  pool: Pool;
  /** Default 'messaging'; migrated on start. */
  inboxSchema?: string;
  /** One message per transaction. Optional with `handleBatch`: the per-message fallback then calls it with one message. */
  handle?: MessageHandler;
  /**
   * Up to `batchTransactions` (default 100 here) messages of one partition per transaction in one call, after the
   * inbox has filtered out those already handled; nothing is written before the call, so it may begin with an
   * event-store `appendWithin` for the whole chunk. On any failure the chunk rolls back and is processed again one
   * message per transaction (through `handle`, else this handler with one message), with retries and dead letters.
   */
  handleBatch?: BatchHandler;
  /** Default: JSON value, type from the `event-type` header. */
  decode?: Decoder;
  /** Types handled here; others are skipped (default: all that decode). */
  accepts?: (type: string) => boolean;
  retry?: Partial<RetryPolicy>;
  isRetryable?: (error: unknown) => boolean;
  /** Partitions processed at once, each in order (default 3). */
  partitionsConsumedConcurrently?: number;
  /** Where a new group starts (default true: the beginning). */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Create `<topic>.dlq` with the origin's partition count on start (default true). */
  provisionDeadLetterTopics?: boolean;
  /** Run the inbox migrations on start (default true). */
  runMigrations?: boolean;
  /** Deletes this group's inbox rows past a retention while running (default on, 35 days; README "Inbox pruning"). */
  inboxPruning?: InboxPruningOptions | false;
  /**
   * Messages of one partition per PostgreSQL transaction (default 500 with `handle`, 100 with `handleBatch`; 1 turns
   * sharing off). With `handle`, up to that many share one transaction: `BEGIN` + one inbox INSERT … ON CONFLICT DO
   * NOTHING RETURNING (dedupe and record at once), the handlers in order, one COMMIT. A message whose handler throws
   * is isolated: the messages before it commit without it, it is retried or dead-lettered in its own transactions as
   * with 1, and the rest go on sharing. A handler that appends to an event store (`appendWithin` must be a
   * transaction's first write) is detected on its first AppendNotFirstWrite and the consumer then keeps to one
   * message per transaction; set 1 to skip that first try.
   */
  batchTransactions?: number;
  /** After the inbox transaction committed (or found the message known), before its offset is resolved. */
  onHandled?: (message: InboundMessage, outcome: 'handled' | 'duplicate') => void | Promise<void>;
  /** Binds each message's ids to every log line of its handling (the service kit's pino scope, via the Nest transport). */
  logScope?: LogScope;
}

/** Messages of one partition per shared inbox transaction when `batchTransactions` is not given (see there). */
const DEFAULT_SHARED_RUN = 500;

const INBOX_FETCH = { maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 };

/**
 * A consumer group member with exactly-once effects: each message's handler runs in a PostgreSQL transaction that
 * also records it in the inbox (shared by a run of one partition's messages); offsets are resolved only after that
 * commit and committed after each batch.
 */
export class Consumer {
  readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly logger: MessagingLogger;
  private consumer: KafkaConsumer | undefined;
  private deadLetters: Publisher | undefined;
  private abort = new AbortController();
  private processor: MessageProcessor | undefined;
  private pruner: InboxPruner | undefined;

  constructor(private readonly options: ConsumerOptions) {
    if (options.topics.length === 0) throw new Error('consumer: at least one topic');
    if (!options.handle && !options.handleBatch) throw new Error('consumer: handle or handleBatch');
    this.groupId = options.groupId;
    this.kafka = createKafka(options.kafka, `consumer-${options.groupId}`);
    this.logger = loggerOf(options.kafka);
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const { options } = this;
    const schema = options.inboxSchema ?? DEFAULT_INBOX_SCHEMA;
    if (options.runMigrations ?? true) await runMessagingMigrations(options.pool.options, schema);
    if (options.provisionDeadLetterTopics ?? true) await provisionDeadLetterTopics(options.kafka, options.topics);
    this.abort = new AbortController();
    this.processor = new MessageProcessor({
      groupId: this.groupId, pool: options.pool, inbox: new Inbox(schema), handle: this.messageHandler(), handleBatch: options.handleBatch,
      decode: options.decode ?? jsonDecoder, accepts: options.accepts,
      retry: { ...DEFAULT_RETRY, ...options.retry }, isRetryable: options.isRetryable ?? isRetryableByDefault,
      deadLetter: (raw, id, failure) => this.sendDeadLetter(raw, id, failure), onHandled: options.onHandled, logger: this.logger,
      logScope: options.logScope,
    });
    // Larger fetches than kafkajs's defaults: kafkajs fetches again only once every batch of a fetch was handled,
    // so a backlog drains in fewer, longer runs (fewer shared transactions, fewer idle gaps between fetches).
    const consumer = groupMember(this.kafka, this.groupId, options.sessionTimeoutMs, INBOX_FETCH);
    this.consumer = consumer;
    // Offsets resolved after each inbox commit are committed after each batch, on rebalance and stop, and inside a
    // long batch every 200 messages or second (bounding what a crash redelivers; the inbox drops those anyway).
    await runGroupMember(consumer, {
      topics: options.topics, fromBeginning: options.fromBeginning, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      commitEvery: { messages: 200, ms: 1000 },
    }, (payload) => this.eachBatch(payload));
    if (options.inboxPruning !== false) {
      this.pruner = new InboxPruner({ pool: options.pool, schema, groupId: this.groupId, logger: this.logger }, options.inboxPruning);
      this.pruner.start();
    }
  }

  /** Stops fetching, lets in-flight messages finish (a retry wait is cut short: that message stays uncommitted). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.consumer = undefined;
    this.abort.abort();
    await this.pruner?.stop();
    this.pruner = undefined;
    await consumer.disconnect(); // waits for the running batches, commits resolved offsets, leaves the group
    await this.deadLetters?.close();
    this.deadLetters = undefined;
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { processor } = this;
    if (!processor) return;
    const signal = this.abort.signal;
    const stopped = () => signal.aborted || !isRunning() || isStale();
    const { handleBatch } = this.options;
    const chunkSize = Math.max(1,
      this.options.batchTransactions ?? (handleBatch ? DEFAULT_BATCH_CHUNK : DEFAULT_SHARED_RUN));
    const done = async (offset: string) => {
      resolveOffset(offset); // only now: the inbox transaction of this offset (and all before it) has committed
      this.recordLag(batch, offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    };
    // a failed heartbeat (a rebalance began) needs nothing here: isStale/isRunning then stop the run
    const run = { signal, stopped, resolved: done, heartbeat: () => heartbeat().catch(() => undefined) };
    for (let i = 0; i < batch.messages.length && !stopped(); i += chunkSize) {
      const chunk = batch.messages.slice(i, i + chunkSize).map((message) => rawMessageOf(batch, message));
      if (!handleBatch && chunk.length > 1 && processor.sharing) {
        if ((await processor.processRun(chunk, run)) === 'abandoned') return;
        continue;
      }
      if (chunk.length > 1 && (await processor.processChunk(chunk))) {
        await done(chunk[chunk.length - 1].offset);
        continue;
      }
      for (const raw of chunk) {
        if (stopped() || (await processor.process(raw, signal)) === 'abandoned') return;
        await done(raw.offset);
      }
    }
  }

  /** The per-message handler; a batch handler alone serves the fallback too, one message at a time. */
  private messageHandler(): MessageHandler {
    const { handle, handleBatch } = this.options;
    if (handle) return handle;
    const batch = handleBatch as BatchHandler;
    return (message, { tx, attempt }) => batch([message], { tx, attempt });
  }

  private recordLag(batch: Batch, offset: string): void {
    const lag = Number(BigInt(batch.highWatermark) - BigInt(offset) - 1n);
    consumerLag.set({ group: this.groupId, topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
  }

  private async sendDeadLetter(raw: RawMessage, messageId: string, failure: Failure): Promise<void> {
    this.deadLetters ??= new Publisher(this.options.kafka, `consumer-${this.groupId}-dlq`);
    await this.deadLetters.send(dlqTopicOf(raw.topic), [deadLetterOf(raw, this.groupId, messageId, failure, new Date())]);
  }
}

export type { BatchContext, BatchHandler } from './batch-handler';

export function createConsumer(options: ConsumerOptions): Consumer {
  return new Consumer(options);
}
