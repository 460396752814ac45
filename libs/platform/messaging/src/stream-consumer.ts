import type { Batch, Consumer as KafkaConsumer, EachBatchPayload, Kafka } from 'kafkajs';
import { envelopeProblem } from '@orders/contracts';
import { TRACEPARENT } from '@orders/event-store';
import { backoffDelay, DEFAULT_RETRY, pause, type RetryPolicy } from './backoff';
import { deadLetterOf, decodeFailure, type Failure } from './dead-letter';
import { messageIdOf } from './decoder';
import { summarize } from './errors';
import { OffsetCommitter, PartitionLanes } from './fetch-ahead';
import { FetchedMessage, type StreamMessage } from './fetched-message';
import { createKafka, groupMember, loggerOf, runGroupMember, type KafkaOptions, type MessagingLogger } from './kafka';
import * as metrics from './metrics';
import { Publisher } from './publisher';
import { type LogScope } from './log-scope';
import { dlqTopicOf, provisionDeadLetterTopics } from './topics';
import { inStreamBatchSpan } from './tracing';
import type { Decoder, RawMessage } from './types';

export type { StreamMessage } from './fetched-message';

/** Why a handler refuses a message; `unknown-type` and `unknown-version` are also counted as parked. */
export type RejectClassification = 'malformed' | 'invalid' | 'non-retryable' | 'unknown-type' | 'unknown-version';

/** The messages of one partition fetched together, in offset order. */
export interface StreamBatch {
  topic: string;
  partition: number;
  /** Decoded messages only: those the decoder refused are already on their way to the DLQ; unknown types are left out. */
  messages: readonly StreamMessage[];
  /**
   * Sends a message to `<topic>.dlq` (standard `dlq-*` headers) and returns at once: the batch's offsets are
   * committed only after every dead letter of the batch was acknowledged.
   */
  reject(message: RawMessage, reason: unknown, classification?: RejectClassification): void;
}

/**
 * Handles one batch. Return a promise only for work still running: offsets are committed once it resolves. A throw
 * or rejection retries the whole batch (at least once: the handler must be idempotent).
 */
export type StreamHandler = (batch: StreamBatch) => void | Promise<unknown>;

export interface StreamConsumerOptions {
  kafka: KafkaOptions;
  groupId: string;
  topics: string[];
  handle: StreamHandler;
  /** Default none: `payload` is the raw value. A refused message goes to the DLQ; an `unknown-type` one is skipped. */
  decode?: Decoder;
  /** Partitions handled at once, each in order (default 3). */
  partitionsConsumedConcurrently?: number;
  /** Where a new group starts (default true: the beginning). */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Create `<topic>.dlq` with the origin's partition count on start (default true). */
  provisionDeadLetterTopics?: boolean;
  /** Pause between retries of a failed batch (`attempts` is ignored: a batch is retried until it passes or stop). */
  retry?: Partial<RetryPolicy>;
  /**
   * Batches per partition fetched and not yet handled (default 2, at least 1): the next fetch travels while they
   * are handled (see PartitionLanes).
   */
  fetchAhead?: number;
  /** Binds the batch's topic, partition and offsets to every log line of its handling (the service kit's pino scope). */
  logScope?: LogScope;
}

/**
 * A consumer group member without inbox, for messages whose handling is idempotent by nature (positions, state
 * records): at-least-once, whole batches per partition in order, offsets committed after the handler's work
 * resolved. Fetching runs ahead of handling (`fetchAhead`), so a busy handler does not wait for the broker.
 */
export class StreamConsumer {
  readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly logger: MessagingLogger;
  private readonly retry: RetryPolicy;
  private readonly deadLetters: Publisher;
  private consumer: KafkaConsumer | undefined;
  private committer: OffsetCommitter | undefined;
  private lanes: PartitionLanes;
  private abort = new AbortController();

  constructor(private readonly options: StreamConsumerOptions) {
    if (options.topics.length === 0) throw new Error('stream consumer: at least one topic');
    this.groupId = options.groupId;
    this.kafka = createKafka(options.kafka, `stream-${options.groupId}`);
    this.logger = loggerOf(options.kafka);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.deadLetters = new Publisher(options.kafka, `stream-${options.groupId}-dlq`);
    this.lanes = new PartitionLanes(Math.max(1, options.fetchAhead ?? 2), this.logger);
  }

  /** Resolves once the group assigned this member its partitions. */
  async start(): Promise<void> {
    if (this.consumer) return;
    const { options } = this;
    if (options.provisionDeadLetterTopics ?? true) await provisionDeadLetterTopics(options.kafka, options.topics);
    this.abort = new AbortController();
    const consumer = groupMember(this.kafka, this.groupId, options.sessionTimeoutMs);
    this.consumer = consumer;
    this.committer = new OffsetCommitter(consumer, this.groupId, this.logger);
    // Every (re)join hands out partitions afresh, each read from its last commit: batches fetched before are stale.
    consumer.on(consumer.events.GROUP_JOIN, () => this.lanes.invalidate());
    await runGroupMember(
      consumer,
      {
        topics: options.topics,
        fromBeginning: options.fromBeginning,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        autoCommit: false,
      },
      (payload) => this.eachBatch(payload),
    );
  }

  /**
   * Stops fetching, lets the batches being handled finish and commits them. Batches fetched ahead and not started,
   * and a batch waiting to retry, stay uncommitted: the group hands them out again.
   */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.consumer = undefined;
    try {
      consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // never ran (a start that failed before the group was joined): there is nothing fetched to hold back
    }
    this.abort.abort();
    await this.lanes.drained();
    await this.committer?.flush();
    await consumer.disconnect();
    await this.deadLetters.close();
  }

  /** Queues the batch on its partition's lane and returns, so kafkajs fetches on (its offsets are committed later). */
  private async eachBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    if (batch.isEmpty()) return;
    const { topic, partition } = batch;
    // Marks where the next fetch starts, nothing more: with autoCommit off, only the committer commits.
    resolveOffset(batch.lastOffset());
    metrics.consumerLag.set({ group: this.groupId, topic, partition: String(partition) }, Number(batch.offsetLag()));
    await this.lanes.enqueue(topic, partition, (current) => this.handleBatch(batch, current));
    await heartbeat();
  }

  /** Hands the batch to the handler until it passes (then commits it), or the member stops or loses it. */
  private handleBatch(batch: Batch, current: () => boolean): Promise<void> {
    const { logScope } = this.options;
    const fields = {
      consumer_group: this.groupId,
      topic: batch.topic,
      partition: batch.partition,
      offset: batch.firstOffset() ?? '',
      last_offset: batch.lastOffset(),
      messages: batch.messages.length,
    };
    return logScope
      ? logScope(fields, () => this.handleBatchInScope(batch, current))
      : this.handleBatchInScope(batch, current);
  }

  private async handleBatchInScope(batch: Batch, current: () => boolean): Promise<void> {
    const signal = this.abort.signal;
    const { topic, partition } = batch;
    for (let failures = 0; !signal.aborted && current();) {
      const sending: Promise<void>[] = [];
      const reject = (raw: RawMessage, reason: unknown, classification: RejectClassification = 'invalid') => {
        const error = typeof reason === 'string' ? { class: 'Rejected', message: reason } : summarize(reason);
        if (classification === 'unknown-type' || classification === 'unknown-version') {
          metrics.parked.inc({ group: this.groupId, topic, reason: classification });
        }
        sending.push(this.deadLetter(raw, { classification, error, attempts: 1 }));
      };
      const messages: StreamMessage[] = [];
      for (const message of batch.messages) {
        const stream = this.decoded(new FetchedMessage(topic, partition, message), sending);
        if (stream) messages.push(stream);
      }
      let failed: { error: unknown } | undefined;
      try {
        if (messages.length > 0) {
          // One span for the batch, linked to the traces of its messages that carry one.
          await inStreamBatchSpan(
            topic,
            partition,
            this.groupId,
            () => messages.map((m) => m.header(TRACEPARENT)),
            async () => {
              await this.options.handle({ topic, partition, messages, reject });
            },
          );
        }
      } catch (error) {
        failed = { error };
      }
      // dead letters are always awaited (none left unobserved), and all of them must be on the DLQ before the commit
      if (sending.length > 0) {
        for (const result of await Promise.allSettled(sending))
          if (result.status === 'rejected') failed ??= { error: result.reason };
      }
      if (!failed) {
        this.committer?.completed(topic, partition, batch.lastOffset());
        return;
      }
      failures += 1;
      this.logger.warn(
        `stream consumer ${this.groupId}: batch ${topic}/${partition}@${batch.firstOffset()} failed; retrying`,
        { error: summarize(failed.error).message },
      );
      if (!(await pause(backoffDelay(this.retry, failures), signal))) return;
    }
  }

  /**
   * The message with its type and payload filled in, or undefined when it is dead-lettered or skipped. The envelope
   * is checked for every message, decoder or not: a stream's handler reads its headers as the inbox consumer's does.
   */
  private decoded(message: FetchedMessage, sending: Promise<void>[]): StreamMessage | undefined {
    const problem = envelopeProblem(message.rawHeaders);
    if (problem !== undefined) {
      sending.push(this.deadLetter(message, decodeFailure('malformed', problem)));
      return undefined;
    }
    const { decode } = this.options;
    if (!decode) return message; // type and payload are read from the message when asked for
    let decoded;
    try {
      decoded = decode(message);
    } catch (error) {
      decoded = {
        ok: false as const,
        classification: 'malformed' as const,
        reason: `decoder threw: ${summarize(error).message}`,
      };
    }
    if (decoded.ok) {
      message.type = decoded.type;
      message.payload = decoded.payload;
      return message;
    }
    if (decoded.classification === 'ignored') {
      metrics.skipped.inc({ group: this.groupId, topic: message.topic });
      return undefined;
    }
    if (decoded.classification === 'unknown-type' || decoded.classification === 'unknown-version') {
      metrics.parked.inc({ group: this.groupId, topic: message.topic, reason: decoded.classification });
    }
    sending.push(this.deadLetter(message, decodeFailure(decoded.classification, decoded.reason)));
    return undefined;
  }

  private async deadLetter(raw: RawMessage, failure: Failure): Promise<void> {
    const letter = deadLetterOf(raw, this.groupId, messageIdOf(raw), failure, new Date());
    await this.deadLetters.send(dlqTopicOf(raw.topic), [letter]);
    metrics.deadLettered.inc({ group: this.groupId, topic: raw.topic, classification: failure.classification });
    this.logger.warn(
      `stream consumer ${this.groupId}: ${raw.topic}/${raw.partition}@${raw.offset} dead-lettered (${failure.classification})`,
      {
        error: `${failure.error.class}: ${failure.error.message}`,
      },
    );
  }
}

export function createStreamConsumer(options: StreamConsumerOptions): StreamConsumer {
  return new StreamConsumer(options);
}
