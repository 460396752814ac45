import { Logger } from '@nestjs/common';
import { HEADER } from '@orders/contracts';
import { Consumer, Kafka, KafkaMessage, Producer, logLevel } from 'kafkajs';
import type { Route, SettingsService } from '../settings/settings.service';
import { PositionsBatch, decodePositions } from './positions-message';
import type { VisitDetector } from './visit-detector';

export interface PositionsConsumerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly groupId: string;
  readonly partitionsConsumedConcurrently?: number;
}

const headerText = (value: Buffer | string | (Buffer | string)[] | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? String(value[0]) : String(value);

export interface PositionsCounters {
  handled: number;
  points: number;
  deadLettered: number;
  /** performance.now() of the first message taken and of the last point applied (throughput = points / span). */
  firstAt: number;
  lastAt: number;
}

/**
 * The consumer of `courier.positions.v1`. Unlike the policy consumer it keeps no inbox: positions are idempotent by
 * nature (the visit machine ignores a point not newer than the last one applied, and the decider checks again), so a
 * redelivery has no second effect and the hot path needs no database round trip per message. Offsets are committed
 * after a batch's points were applied; a message that cannot be decoded, or names a route the courier does not
 * drive, goes to `<topic>.dlq` with the reason and never blocks the partition.
 */
export class PositionsConsumer {
  private readonly logger = new Logger(PositionsConsumer.name);
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  readonly counters: PositionsCounters = { handled: 0, points: 0, deadLettered: 0, firstAt: 0, lastAt: 0 };

  constructor(private readonly options: PositionsConsumerOptions, private readonly detector: VisitDetector, private readonly settings: SettingsService) {
    this.kafka = new Kafka({ brokers: [...options.brokers], clientId: options.clientId, logLevel: logLevel.NOTHING });
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId, sessionTimeout: 10_000 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // Most points are applied synchronously; only those that need the database leave a promise to wait for.
        const pending: Promise<void>[] = [];
        for (const message of batch.messages) {
          const work = this.apply(message);
          if (work) pending.push(work);
        }
        if (pending.length > 0) await Promise.all(pending);
        if (!isRunning() || isStale()) return;
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private apply(message: KafkaMessage): Promise<void> | undefined {
    if (this.counters.firstAt === 0) this.counters.firstAt = performance.now();
    const headers = message.headers ?? {};
    const decoded = decodePositions(headerText(headers[HEADER.eventType]), headerText(headers[HEADER.schemaVersion]), message.value);
    if (!decoded.ok) return this.deadLetter(message, decoded.reason);
    const { batch } = decoded;
    const route = this.settings.cachedRoute(batch.routeId);
    if (route === undefined) return this.settings.route(batch.routeId).then((loaded) => this.offer(message, batch, loaded));
    return this.offer(message, batch, route);
  }

  private offer(message: KafkaMessage, batch: PositionsBatch, route: Route | null): Promise<void> | undefined {
    if (!route || route.courier_id !== batch.courierId || route.company_id !== batch.tenantId) {
      return this.deadLetter(message, `route ${batch.routeId} is not driven by courier ${batch.courierId} of ${batch.tenantId}`);
    }
    this.counters.handled++;
    const correlationId = headerText(message.headers?.[HEADER.correlationId]);
    const work = this.detector.offer(batch.courierId, route, batch.points, correlationId);
    if (!work) {
      this.applied(batch.points.length);
      return undefined;
    }
    return work.then(() => this.applied(batch.points.length));
  }

  private applied(points: number): void {
    this.counters.points += points;
    this.counters.lastAt = performance.now();
  }

  private async deadLetter(message: KafkaMessage, reason: string): Promise<void> {
    this.counters.deadLettered++;
    this.logger.warn(`position message at offset ${message.offset} dead-lettered: ${reason}`);
    await this.producer?.send({
      topic: `${this.options.topic}.dlq`, acks: -1,
      messages: [{ key: message.key, value: message.value, headers: { ...message.headers, 'dlq-origin-topic': this.options.topic, 'dlq-origin-offset': message.offset, 'dlq-error-message': reason.slice(0, 500), 'dlq-classification': 'invalid' } }],
    });
  }
}
