import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Consumer, KafkaOptions, Relay, createConsumer, provisionTopics } from '@orders/messaging';
import { ServiceConfig } from '@orders/service-kit';
import { PositionsConsumer } from '../positions/positions.consumer';
import { VisitDetector } from '../positions/visit-detector';
import { SettingsService } from '../settings/settings.service';
import { COURIER_TOPICS, CourierTopics } from './courier-topics';
import { deliveryEventMessage } from './delivery-events.mapper';
import { inboundDecoder } from './inbound-decoder';
import { InboundPolicies, POLICY_MESSAGE_TYPES } from './inbound-policies';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * courier-tracking's Kafka side: the relay publishing `courier.delivery-events.v1` from the log, the policy consumer
 * (intake order events, marketplace cancellation events; inbox, DLQ) and the positions consumer. Started in the
 * background and retried, so a broker that is down delays integration but never stops the HTTP API.
 */
@Injectable()
export class CourierMessaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CourierMessaging.name);
  private readonly kafka: KafkaOptions;
  private readonly relay: Relay;
  private readonly policies: Consumer;
  readonly positions: PositionsConsumer;
  private readonly started = { relay: false, policies: false, positions: false };
  private stopping = false;
  private starting: Promise<void> = Promise.resolve();
  private readonly waiters: (() => void)[] = [];

  constructor(store: EventStore, config: ServiceConfig, @Inject(COURIER_TOPICS) readonly topics: CourierTopics, handlers: InboundPolicies,
    detector: VisitDetector, settings: SettingsService) {
    this.kafka = {
      brokers: config.kafka.brokers, clientId: config.kafka.clientId,
      logger: { info: () => undefined, warn: (text) => this.logger.warn(text), error: (text) => this.logger.error(text) },
    };
    this.relay = new Relay({
      store, kafka: this.kafka, name: `${topics.policyGroup}-delivery-events-relay`, map: (event) => deliveryEventMessage(event, topics.deliveryEvents),
      topics: [topics.spec(topics.deliveryEvents)], subscription: { streamTypes: ['delivery'] },
      onError: (error, attempt) => this.logger.error(`relay failed (attempt ${attempt}): ${String(error)}`),
    });
    this.policies = createConsumer({
      kafka: this.kafka, groupId: topics.policyGroup, topics: [topics.orderEvents, topics.cancellationEvents], pool: store.pool,
      decode: inboundDecoder(topics), accepts: (type) => (POLICY_MESSAGE_TYPES as readonly string[]).includes(type),
      handle: (message, context) => handlers.handle(message, context),
    });
    this.positions = new PositionsConsumer({
      brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-positions`, topic: topics.positions,
      groupId: topics.positionsGroup,
    }, detector, settings);
  }

  onApplicationBootstrap(): void {
    this.starting = this.startUntilUp();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await Promise.all([this.relay.stop(), this.policies.stop(), this.positions.stop()]);
  }

  /** Resolves once the relay and both consumers run (tests and the benchmark wait on it). */
  ready(): Promise<void> {
    if (this.started.relay && this.started.policies && this.started.positions) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async startUntilUp(): Promise<void> {
    for (let delay = FIRST_RETRY_MS; !this.stopping; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        // Consumed topics are provisioned too: a consumer must not wait for a producer to create them.
        const { topics } = this;
        await provisionTopics(this.kafka, [topics.spec(topics.positions), topics.spec(topics.orderEvents), topics.spec(topics.cancellationEvents)]);
        if (!this.started.relay) await this.relay.start().then(() => (this.started.relay = true));
        if (!this.started.policies) await this.policies.start().then(() => (this.started.policies = true));
        if (!this.started.positions) await this.positions.start().then(() => (this.started.positions = true));
        this.waiters.splice(0).forEach((resolve) => resolve());
        return;
      } catch (error) {
        this.logger.warn(`Kafka integration not started yet (${String(error)}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}
