import type { EventStore, RecordedEvent, Subscription, SubscriptionOptions } from '@orders/event-store';
import { CompressionTypes, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { HEADER } from './headers';
import { createKafka, idempotentProducer, loggerOf, type KafkaOptions } from './kafka';
import { registerRelayLagProbe, relayPublished } from './metrics';
import { provisionTopics, type TopicSpec } from './topics';
import { endPublishSpans, startPublishSpans } from './tracing';

/** What an app's mapper makes of one recorded event (stored events are never published raw). */
export interface OutboundMessage {
  topic: string;
  /** The order id: one order's messages stay in one partition, in log order. */
  key: string;
  /** JSON-serialised; a Buffer or string is sent as is. */
  value: unknown;
  /** A null value instead (`value` is not sent): a compacted topic then forgets the key. */
  tombstone?: boolean;
  /** Default: the recorded event's type. */
  eventType?: string;
  /** Default: the recorded event's schema version. */
  schemaVersion?: number;
  /** Extra headers; the standard ones win over these. */
  headers?: Record<string, string>;
}

export type RelayMapper = (event: RecordedEvent) => OutboundMessage | null | undefined;

export interface RelayOptions {
  store: EventStore;
  kafka: KafkaOptions;
  /** The event-store subscription name (its checkpoint and lease). */
  name: string;
  map: RelayMapper;
  /** Provisioned before the first publish. */
  topics?: TopicSpec[];
  /** Passed to `store.subscribe`; the relay's defaults: batchSize 500, retry 200 ms .. 2 s. */
  subscription?: SubscriptionOptions;
  /** One send per subscription batch: the batch size is the Kafka batching. */
  producer?: { compression?: 'none' | 'gzip'; ackTimeoutMs?: number };
  onError?: (error: unknown, attempt: number) => void;
}

/** The standard headers of a relayed message (architecture.md: Kafka topics). */
export function relayHeaders(event: RecordedEvent, message: OutboundMessage): Record<string, string> {
  const headers: Record<string, string> = {
    ...message.headers,
    [HEADER.eventId]: event.eventId,
    [HEADER.eventType]: message.eventType ?? event.type,
    [HEADER.schemaVersion]: String(message.schemaVersion ?? event.schemaVersion),
    [HEADER.correlationId]: stringOr(event.metadata.correlationId, event.eventId),
    [HEADER.causationId]: stringOr(event.metadata.causationId, event.eventId),
    [HEADER.occurredAt]: new Date(event.occurredAt).toISOString(),
    [HEADER.contentType]: 'application/json',
  };
  if (typeof event.metadata.traceparent === 'string') headers[HEADER.traceparent] = event.metadata.traceparent;
  else delete headers[HEADER.traceparent];
  return headers;
}

/**
 * The Kafka timestamp (CreateTime) of a relayed message: when the event was recorded, by the database's clock, not
 * when this host sends it. A host whose clock jumped more than an hour ahead would otherwise have every send refused
 * by the broker (`log.message.timestamp.after.max.ms`, one hour since Kafka 4.0) and its relay stall until the clock
 * is set right; and a resend after a crash carries the same timestamp as the first send.
 */
export function relayTimestamp(event: RecordedEvent): string {
  return String(event.recordedAt.getTime());
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

export function encodeValue(value: unknown): Buffer | string {
  return Buffer.isBuffer(value) || typeof value === 'string' ? value : JSON.stringify(value);
}

/** Groups by topic, keeping log order inside each topic (hence inside each key). */
export function toTopicMessages(events: readonly RecordedEvent[], map: RelayMapper): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const event of events) {
    const outbound = map(event);
    if (!outbound) continue;
    const value = outbound.tombstone ? null : encodeValue(outbound.value);
    const message: Message = { key: outbound.key, value, headers: relayHeaders(event, outbound), timestamp: relayTimestamp(event) };
    const list = byTopic.get(outbound.topic);
    if (list) list.push(message);
    else byTopic.set(outbound.topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Publishes the event log to Kafka. Each subscription batch is sent (idempotent producer, acks=all) inside the
 * subscription's transaction, so the checkpoint commits only after the broker acknowledged; a failure rolls the
 * batch back to be sent again. After a failed send the producer is replaced: a fresh producer id restarts the
 * sequence numbers, so a resend of a batch that partly landed is accepted (as duplicates, in order).
 */
export class Relay {
  readonly name: string;
  private readonly kafka;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private subscription: Subscription | undefined;
  private unregisterLag: (() => void) | undefined;
  /** Pages read ahead, encoded while the batch before them was being sent (taken by their own publish). */
  private readonly encoded = new WeakMap<readonly RecordedEvent[], TopicMessages[]>();

  constructor(private readonly options: RelayOptions) {
    this.name = options.name;
    this.kafka = createKafka(options.kafka, `relay-${options.name}`);
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    if (this.options.topics?.length) await provisionTopics(this.options.kafka, this.options.topics);
    const logger = loggerOf(this.options.kafka);
    const { retry, ...subscription } = this.options.subscription ?? {};
    this.subscription = this.options.store.subscribe(this.name, (events) => this.publish(events), {
      batchSize: 500,
      // The send is the only effect, and it is in Kafka: the checkpoint moves in one statement once it is acknowledged,
      // without waiting for the WAL flush. A database crash may forget the last advances: those batches are sent
      // again (duplicates, in order), which consumers drop by event id; never an event skipped.
      transactional: false,
      synchronousCommit: false,
      // The next batch's send starts while this batch's advance is on its way; its own advance waits for this one.
      overlapAdvance: true,
      // The next page is encoded while this one's send waits for the broker.
      prepare: (events) => this.encoded.set(events, toTopicMessages(events, this.options.map)),
      retry: { initialDelayMs: 200, maxDelayMs: 2000, ...retry },
      onError: (error, context) => {
        if (this.options.onError) this.options.onError(error, context.attempt);
        else logger.warn(`relay ${this.name}: publishing failed (attempt ${context.attempt}); retrying`, { error: describeError(error) });
      },
      ...subscription,
    });
    this.unregisterLag = registerRelayLagProbe(this.name, () => this.lagSeconds());
    await this.subscription.start();
    // The producer connects (metadata, producer id) while the subscription takes its lease and reads its first page;
    // a failure here is met again, and retried, by the first publish.
    void this.connectedProducer().catch(() => undefined);
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.unregisterLag?.();
    await subscription?.stop();
    await this.connecting?.catch(() => undefined); // one started by start() and not yet used
    await this.discardProducer();
  }

  /** Age in seconds of the oldest event this relay has not published yet (0 when caught up). */
  async lagSeconds(): Promise<number> {
    const status = await this.options.store.subscriptionStatus(this.name);
    if (!status) return 0;
    const { streamTypes, eventTypes } = this.options.subscription ?? {};
    const page = await this.options.store.readAll({ after: status.checkpoint, limit: 1, streamTypes, eventTypes });
    const oldest = page.events[0];
    return oldest ? Math.max(0, (Date.now() - new Date(oldest.recordedAt).getTime()) / 1000) : 0;
  }

  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const topicMessages = this.encoded.get(events) ?? toTopicMessages(events, this.options.map);
    this.encoded.delete(events); // a retry of this batch reads and encodes it afresh
    if (topicMessages.length === 0) return;
    const producer = await this.connectedProducer();
    const { compression = 'none', ackTimeoutMs = 10_000 } = this.options.producer ?? {};
    // Each message's span continues the trace its event was appended in; the header then carries that span.
    const spans = startPublishSpans(topicMessages);
    try {
      await producer.sendBatch({
        acks: -1, timeout: ackTimeoutMs, topicMessages,
        compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      });
    } catch (error) {
      endPublishSpans(spans, error);
      await this.discardProducer();
      throw error;
    }
    endPublishSpans(spans);
    for (const { topic, messages } of topicMessages) relayPublished.inc({ relay: this.name, topic }, messages.length);
  }

  private connectedProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = idempotentProducer(this.kafka);
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

export function createRelay(options: RelayOptions): Relay {
  return new Relay(options);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
