import { Logger } from '@nestjs/common';
import { HEADER, courierPositionsReportedV1, decodeMessage, type CourierPositionsReportedV1 } from '@orders/contracts';
import { Consumer, Kafka, KafkaMessage, Producer, logLevel } from 'kafkajs';
import type { SettingsService } from '../settings/settings.service';
import type { VisitDetector } from './visit-detector';

export interface PositionsConsumerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  /** The catalogue name of `topic` (they differ by the environment's prefix). */
  readonly canonicalTopic: string;
  readonly groupId: string;
  readonly partitionsConsumedConcurrently?: number;
}

export interface PositionsCounters { handled: number; points: number; skipped: number; deadLettered: number }

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
  readonly counters: PositionsCounters = { handled: 0, points: 0, skipped: 0, deadLettered: 0 };

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
        // Couriers of one batch run side by side (the detector keeps each courier's points in order).
        const work = batch.messages.map((message) => this.apply(message));
        await Promise.all(work);
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

  private async apply(message: KafkaMessage): Promise<void> {
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
    const decoded = decodeMessage(this.options.canonicalTopic, headers, message.value, message.key);
    if (decoded.status !== 'ok' || decoded.message.definition !== courierPositionsReportedV1) {
      const reason = decoded.status === 'ok' ? `unexpected ${decoded.message.type}` : decoded.status === 'tombstone' ? 'tombstone' : `${decoded.status}: ${decoded.reason}`;
      return this.deadLetter(message, reason);
    }
    const batch = decoded.message.payload as CourierPositionsReportedV1;
    const route = await this.settings.route(batch.routeId);
    if (!route || route.courier_id !== batch.courierId || route.company_id !== batch.tenantId) {
      return this.deadLetter(message, `route ${batch.routeId} is not driven by courier ${batch.courierId} of ${batch.tenantId}`);
    }
    const points = batch.positions.map((p) => ({ lat: p.point.lat, lon: p.point.lon, timestamp: p.timestamp }));
    await this.detector.push(batch.courierId, route, points, headers[HEADER.correlationId]);
    this.counters.handled++;
    this.counters.points += points.length;
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
