import { HEADER } from '@orders/contracts';
import {
  createStreamConsumer,
  isCausedByContent,
  type RejectClassification,
  type StreamBatch,
  type StreamConsumer,
  type StreamMessage,
} from '@orders/messaging';
import { nestMessagingLogger } from '@orders/messaging/nest';
import type { Route, SettingsService } from '../settings/settings.service';
import {
  PositionsBatch,
  decodePositions,
  envelopeMismatch,
  isPositionsV1,
  mismatchClassification,
  missingEnvelope,
} from './positions-message';
import type { VisitDetector } from './visit-detector';

const CORRELATION_ID = HEADER.correlationId;

export interface PositionsConsumerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly groupId: string;
  readonly partitionsConsumedConcurrently?: number;
}

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
 * redelivery has no second effect and the hot path needs no database round trip per message. It runs on the
 * messaging library's stream consumer: offsets are committed after a batch's points were detected and the decisions
 * they caused were recorded (not yet appended: see PositionDecisions); a message that
 * cannot be decoded, or names a route the courier does not drive, goes to `<topic>.dlq` with the reason and never
 * blocks the partition.
 */
export class PositionsConsumer {
  private readonly consumer: StreamConsumer;
  readonly counters: PositionsCounters = { handled: 0, points: 0, deadLettered: 0, firstAt: 0, lastAt: 0 };

  constructor(
    options: PositionsConsumerOptions,
    private readonly detector: VisitDetector,
    private readonly settings: SettingsService,
  ) {
    this.consumer = createStreamConsumer({
      kafka: {
        brokers: options.brokers, clientId: options.clientId, logLevel: 'nothing', logger: nestMessagingLogger(PositionsConsumer.name),
      },
      groupId: options.groupId,
      topics: [options.topic],
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
      handle: (batch) => this.handle(batch),
    });
  }

  /** Applies what a previous run decided but did not append first, so no decision of a committed offset is lost. */
  async start(): Promise<void> {
    await this.detector.recoverUnapplied();
    await this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** Most points are applied synchronously; only those that need the database leave a promise to wait for. */
  private handle(batch: StreamBatch): Promise<unknown> | undefined {
    if (this.counters.firstAt === 0) this.counters.firstAt = performance.now();
    let pending: Promise<void>[] | undefined;
    for (const message of batch.messages) {
      const work = this.apply(batch, message);
      if (work) (pending ??= []).push(work);
    }
    return pending && Promise.all(pending);
  }

  private apply(batch: StreamBatch, message: StreamMessage): Promise<void> | undefined {
    const missing = missingEnvelope(message);
    if (missing !== undefined) return this.deadLetter(batch, message, missing, 'malformed');
    if (!isPositionsV1(message))
      return this.deadLetter(batch, message, envelopeMismatch(message), mismatchClassification(message));
    const decoded = decodePositions(message.value);
    if (!decoded.ok) return this.deadLetter(batch, message, decoded.reason);
    const positions = decoded.batch;
    const route = this.settings.cachedRoute(positions.tenantId, positions.routeId);
    if (route === undefined) {
      return this.settings.route(positions.tenantId, positions.routeId).then(
        (loaded) => this.offer(batch, message, positions, loaded),
        (error: unknown) => {
          // the route id's content broke the lookup: no retry can pass, so it goes to the DLQ and the partition flows
          if (!isCausedByContent(error)) throw error;
          this.deadLetter(batch, message, `route lookup refused the route id: ${(error as Error).message}`);
        },
      );
    }
    return this.offer(batch, message, positions, route);
  }

  private offer(
    batch: StreamBatch,
    message: StreamMessage,
    positions: PositionsBatch,
    route: Route | null,
  ): Promise<void> | undefined {
    if (!route || route.courier_id !== positions.courierId) {
      return this.deadLetter(
        batch,
        message,
        `route ${positions.routeId} is not driven by courier ${positions.courierId} of ${positions.tenantId}`,
      );
    }
    this.counters.handled++;
    // The correlation id is read only for the few points that lead to a decision.
    const work = this.detector.offer(positions.courierId, route, positions.points, () =>
      message.header(CORRELATION_ID),
    );
    if (!work) {
      this.applied(positions.points.length);
      return undefined;
    }
    return work.then(() => this.applied(positions.points.length));
  }

  private applied(points: number): void {
    this.counters.points += points;
    this.counters.lastAt = performance.now();
  }

  /** The stream consumer sends it and commits the batch only once it is on the DLQ. */
  private deadLetter(
    batch: StreamBatch,
    message: StreamMessage,
    reason: string,
    classification: RejectClassification = 'invalid',
  ): undefined {
    this.counters.deadLettered++;
    batch.reject(message, reason, classification);
    return undefined;
  }
}
