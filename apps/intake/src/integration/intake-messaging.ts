import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { createConsumer, provisionTopics, Relay, type Consumer, type KafkaOptions } from '@orders/messaging';
import { EXTERNAL_ORDER_STREAM_TYPE } from '@orders/ordering-domain';
import { ServiceConfig } from '@orders/service-kit';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake-settings';
import { inboundDecoder } from './inbound-decoder';
import { HANDLED_TYPES, InboundHandlers } from './inbound-handlers';
import { IntakeTopics } from './intake-topics';
import { orderEventMessage } from './order-events.mapper';

const RETRY_START_MS = 2000;

/**
 * Intake's Kafka side: the relay publishing `intake.order-events.v1` from the log, and the consumer of
 * `intake.external-orders.v1` and `marketplace.cancellation-events.v1`. Started in the background and retried, so a
 * broker that is down delays integration but never stops the HTTP API (whose /health then reports Kafka down).
 */
@Injectable()
export class IntakeMessaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IntakeMessaging');
  readonly topics: IntakeTopics;
  private readonly kafka: KafkaOptions;
  private readonly relay: Relay;
  private readonly consumer: Consumer;
  private relayStarted = false;
  private consumerStarted = false;
  private stopping = false;
  private starting: Promise<void> = Promise.resolve();
  private readyWaiters: (() => void)[] = [];
  private wake?: () => void;

  constructor(store: EventStore, config: ServiceConfig, @Inject(INTAKE_SETTINGS) settings: IntakeSettings, handlers: InboundHandlers) {
    this.topics = new IntakeTopics(settings.topicPrefix);
    const topics = this.topics;
    this.kafka = { brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger: { info: () => undefined, warn: (m) => this.logger.warn(m), error: (m) => this.logger.error(m) } };
    this.relay = new Relay({
      store, kafka: this.kafka, name: `${topics.consumerGroup}-order-events-relay`,
      map: (event) => orderEventMessage(event, topics.orderEvents),
      topics: [topics.spec(topics.orderEvents)],
      subscription: { streamTypes: [EXTERNAL_ORDER_STREAM_TYPE] },
      onError: (error, attempt) => this.logger.error(`relay failed (attempt ${attempt}): ${String(error)}`),
    });
    this.consumer = createConsumer({
      kafka: this.kafka, groupId: topics.consumerGroup, topics: [topics.externalOrders, topics.cancellationEvents], pool: store.pool,
      decode: inboundDecoder(topics), accepts: (type) => (HANDLED_TYPES as readonly string[]).includes(type),
      handle: (message, context) => handlers.handle(message, context),
    });
  }

  onApplicationBootstrap(): void {
    this.starting = this.startUntilUp();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.starting;
    await Promise.all([this.relay.stop(), this.consumer.stop()]);
  }

  /** Resolves once the relay and the consumer run (tests and the benchmark wait on it). */
  ready(): Promise<void> {
    if (this.relayStarted && this.consumerStarted) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private async startUntilUp(): Promise<void> {
    for (let delay = RETRY_START_MS; !this.stopping; delay = Math.min(delay * 2, 30_000)) {
      try {
        if (!this.relayStarted) {
          await provisionTopics(this.kafka, [this.topics.spec(this.topics.externalOrders), this.topics.spec(this.topics.cancellationEvents)]);
          await this.relay.start();
          this.relayStarted = true;
        }
        if (!this.consumerStarted) {
          await this.consumer.start();
          this.consumerStarted = true;
        }
        this.readyWaiters.splice(0).forEach((resolve) => resolve());
        return;
      } catch (error) {
        this.logger.warn(`Kafka integration not started yet (${String(error)}); retrying in ${delay} ms`);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, delay).unref();
        });
      }
    }
  }
}
