import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TOPIC } from '@orders/contracts';
import { EventStore, isUuid } from '@orders/event-store';
import { MARKETPLACE_ORDER_STREAM_TYPE } from '@orders/cancellations-domain';
import { type Consumer, type InboundMessage, type KafkaOptions, type Relay, createConsumer, createRelay, provisionTopics } from '@orders/messaging';
import { ServiceConfig } from '@orders/service-kit';
import type { PoolClient } from 'pg';
import { Clock } from '../clock';
import { NotificationInbox } from '../notifications/notification-inbox';
import { NotificationWorker } from '../notifications/notification-worker';
import { marketOrderOfFinishedDelivery } from '../orders/market-order-ids';
import { MarketplaceOrders } from '../orders/marketplace-orders';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../settings';
import { cancellationEventsMapper } from './cancellation-events.mapper';
import { recordDeliveryFinished } from './delivery-finished';
import { catalogueDecoder, notificationOfMessage } from './inbound-messages';

const PARTITIONS = 6;

/** Campaign ids are Market's positive integers. */
const isCampaignId = (tenantId: string): boolean => /^[1-9]\d{0,15}$/.test(tenantId);

/**
 * The Kafka side of the service: relays MarketplaceOrder events to marketplace.cancellation-events.v1, and consumes
 * marketplace.notifications.v1 (into the same inbox as POST /notification) and courier.delivery-events.v1 (the
 * delivered-order policy). Off when MARKETPLACE_KAFKA=off.
 */
@Injectable()
export class MarketplaceKafka implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MarketplaceKafka');
  private relay?: Relay;
  private consumer?: Consumer;
  private stopped = false;
  private starting?: Promise<void>;
  private wakeRetry?: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly orders: MarketplaceOrders,
    private readonly inbox: NotificationInbox,
    private readonly worker: NotificationWorker,
    private readonly config: ServiceConfig,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.kafka) this.starting = this.startUntilConnected();
  }

  /** Resolves once the relay and the consumer run (specs wait on it). */
  async ready(): Promise<void> {
    await this.starting;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wakeRetry?.();
    await this.starting;
    await this.consumer?.stop();
    await this.relay?.stop();
  }

  // The HTTP side (and its inbox) keeps working while the broker is down: /health says so, and this keeps trying.
  private async startUntilConnected(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.start();
        return;
      } catch (error) {
        await this.consumer?.stop().catch(() => undefined);
        await this.relay?.stop().catch(() => undefined);
        this.consumer = this.relay = undefined;
        this.logger.warn(`Kafka not ready (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt));
          this.wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private async start(): Promise<void> {
    const { topics } = this.settings;
    const kafka: KafkaOptions = { brokers: this.config.kafka.brokers, clientId: this.config.kafka.clientId, logger: this.logger };
    await provisionTopics(kafka, [topics.notifications, topics.deliveryEvents].map((topic) => ({ topic, partitions: PARTITIONS, deadLetter: true })));
    this.relay = createRelay({
      store: this.store, kafka, name: 'marketplace-cancellations-relay',
      map: cancellationEventsMapper(topics.cancellationEvents),
      topics: [{ topic: topics.cancellationEvents, partitions: PARTITIONS }],
      subscription: { streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE] },
    });
    this.consumer = createConsumer({
      kafka, groupId: this.settings.consumerGroup, topics: [topics.notifications, topics.deliveryEvents], pool: this.store.pool,
      decode: catalogueDecoder({ [topics.notifications]: TOPIC.marketplaceNotifications, [topics.deliveryEvents]: TOPIC.deliveryEvents }),
      handle: (message, { tx }) => this.handle(message, tx),
      onHandled: () => this.worker.poke(),
    });
    await this.relay.start();
    await this.consumer.start();
  }

  private async handle(message: InboundMessage, tx: PoolClient): Promise<void> {
    const payload = message.payload as Record<string, unknown>;
    const notification = notificationOfMessage(message.type, payload);
    if (notification) {
      // Same inbox as HTTP, in the consumer's transaction: stored once whichever channel brought it first.
      await this.inbox.save(notification, 'KAFKA', tx);
      return;
    }
    if (message.type === 'DeliveryFinished') await this.rejectOnDelivery(payload, message.id, tx);
  }

  /**
   * Policy P1: the delivery's finish becomes a fact on the Market order's stream, which rejects a PENDING request
   * with ORDER_DELIVERED and any later one at once (the decider's rule). The Market order is found by the delivery's
   * id (the platform order id) in market_order_ids, written before any event of the order; a delivery of an order
   * Market has not told us of yet is parked there for its first request (applyParkedDelivery). Nothing is read from
   * the read model, so nothing depends on how far it lags. A redelivered event replays by its idempotency key.
   */
  private async rejectOnDelivery(payload: Record<string, unknown>, messageId: string, tx: PoolClient): Promise<void> {
    const platformOrderId = String(payload.orderId);
    // Deliveries carry intake's UUID, and a Market order's company is its campaign: anything else is not Market's.
    if (!isUuid(platformOrderId) || !isCampaignId(String(payload.tenantId))) return;
    const ref = await marketOrderOfFinishedDelivery(tx, platformOrderId, { finishedAt: String(payload.deliveredAt), messageId }, this.clock.now());
    if (ref?.campaignId === String(payload.tenantId)) await recordDeliveryFinished(this.orders, ref, { finishedAt: String(payload.deliveredAt), messageId });
  }
}
