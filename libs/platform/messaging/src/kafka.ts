import {
  Kafka,
  logLevel,
  Partitioners,
  type Batch,
  type Consumer,
  type ConsumerRunConfig,
  type EachBatchPayload,
  type KafkaMessage,
  type LogEntry,
  type logCreator,
  type Producer,
} from 'kafkajs';
import { readHeaders } from './headers';
import { lineLevel } from './kafka-log-levels';
import type { RawMessage } from './types';

// The only place that builds a kafkajs client: every component takes these plain options instead.

export interface MessagingLogger {
  info?(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaOptions {
  /** '127.0.0.1:19092', 'a:9092,b:9092' or a list. */
  brokers: string | readonly string[];
  clientId?: string;
  /** kafkajs's own log level (default 'error'). */
  logLevel?: KafkaLogLevel;
  /** Where the library and kafkajs log (default console). */
  logger?: MessagingLogger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const levels: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export const consoleLogger: MessagingLogger = {
  info: (message, details) => console.info(message, details ?? ''),
  warn: (message, details) => console.warn(message, details ?? ''),
  error: (message, details) => console.error(message, details ?? ''),
};

export function brokerList(brokers: KafkaOptions['brokers']): string[] {
  const list = typeof brokers === 'string' ? brokers.split(',') : [...brokers];
  const cleaned = list.map((b) => b.trim()).filter(Boolean);
  if (cleaned.length === 0) throw new Error('messaging: kafka.brokers is empty');
  return cleaned;
}

export function loggerOf(options: KafkaOptions): MessagingLogger {
  return options.logger ?? consoleLogger;
}

function routeLogs(logger: MessagingLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _name,
        ...details
      } = log as LogEntry['log'] & { logger?: unknown };
      const text = `[kafkajs${namespace ? ` ${namespace}` : ''}] ${message}`;
      // kafkajs's stack traces of routine connection errors are noise on a line; a real crash keeps its stack.
      const at = lineLevel(level, message, details);
      if (at !== 'error') delete details.stack;
      if (at === 'error') logger.error(text, details);
      else if (at === 'warn') logger.warn(text, details);
      else logger.info?.(text, details);
    };
}

export function createKafka(options: KafkaOptions, role: string): Kafka {
  return new Kafka({
    clientId: `${options.clientId ?? 'orders'}-${role}`,
    brokers: brokerList(options.brokers),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: levels[options.logLevel ?? 'error'],
    logCreator: routeLogs(loggerOf(options)),
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
  });
}

/**
 * The one producer configuration of the library: idempotent (the broker drops a retried batch it already has), one
 * request in flight (kafkajs keeps order that way), no topic auto-creation, Java-compatible key partitioning (a key
 * lands where Java and librdkafka murmur2 clients put it).
 */
export function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
  });
}

/** How much one fetch may bring (kafkajs defaults: 1 MiB per partition, 10 MiB in all). */
export interface FetchSizes {
  maxBytesPerPartition: number;
  maxBytes: number;
}

/** A consumer group member as both consumers of the library configure it (no topic auto-creation, short fetch wait). */
export function groupMember(kafka: Kafka, groupId: string, sessionTimeoutMs = 10_000, fetch?: FetchSizes): Consumer {
  return kafka.consumer({
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: Math.max(100, Math.floor(sessionTimeoutMs / 5)),
    rebalanceTimeout: Math.max(sessionTimeoutMs, 10_000),
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    ...fetch,
  });
}

/**
 * Resolves once the group has assigned this member its partitions (started means consuming); rejects on a crash
 * kafkajs will not recover from by itself (it restarts on retriable errors). Create it before `run`.
 */
export function groupJoined(consumer: Consumer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const listeners = [
      consumer.on(consumer.events.GROUP_JOIN, () => {
        listeners.forEach((stop) => stop());
        resolve();
      }),
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        listeners.forEach((stop) => stop());
        reject(payload.error);
      }),
    ];
  });
}

export interface GroupRun {
  topics: string[];
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Extra offset commits inside a long batch; without them each resolved batch is committed right after it. */
  commitEvery?: { messages: number; ms: number };
  /** Default true. False when the caller commits itself (resolved offsets then only say where the next fetch starts). */
  autoCommit?: boolean;
}

/** Connects, subscribes and runs a member with manually resolved batches; resolves once it was given its partitions. */
export async function runGroupMember(
  consumer: Consumer,
  run: GroupRun,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: run.topics, fromBeginning: run.fromBeginning ?? true });
  const joined = groupJoined(consumer);
  const commits: Partial<ConsumerRunConfig> = run.commitEvery
    ? { autoCommitThreshold: run.commitEvery.messages, autoCommitInterval: run.commitEvery.ms }
    : {};
  await consumer.run({
    autoCommit: run.autoCommit ?? true,
    ...commits,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: run.partitionsConsumedConcurrently ?? 3,
    eachBatch,
  });
  await joined;
}

export function rawMessageOf(batch: Batch, message: KafkaMessage): RawMessage {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: message.value,
    headers: readHeaders(message.headers),
    rawHeaders: message.headers,
    timestamp: message.timestamp,
  };
}
