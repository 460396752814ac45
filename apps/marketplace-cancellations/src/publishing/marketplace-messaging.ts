import { type Provider } from '@nestjs/common';
import { MARKETPLACE_ORDER_STREAM_TYPE } from '@orders/cancellations-domain';
import { createInboundDecoder } from '@orders/contracts';
import { EventStore } from '@orders/event-store';
import { Relay, type KafkaOptions } from '@orders/messaging';
import { MessagingTransport, nestMessagingLogger } from '@orders/messaging/nest';
import { ServiceConfig } from '@orders/service-kit';
import { NotificationWorker } from '../receive-notification/notification-worker';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { DeliveryFinishedMessageController } from '../reject-on-delivery-finished/delivery-finished.message.controller';
import { MarketNotificationMessageController } from '../receive-notification/market-notification.message.controller';
import { cancellationEventsMapper } from './cancellation-events.mapper';

/** The `@EventPattern` handlers of the service's consumer group, each in its use case's folder. */
export const MARKETPLACE_MESSAGE_CONTROLLERS = [MarketNotificationMessageController, DeliveryFinishedMessageController];

/**
 * The Kafka side of the service in one place, on the platform's one lifecycle (`startMessaging` in main.ts): the
 * relay of MarketplaceOrder events to marketplace.cancellation-events.v1, and the consumer group of
 * marketplace.notifications.v1 (into the same inbox as POST /notification) and courier.delivery-events.v1 (the
 * delivered-order policy). It starts in the background: the HTTP side (and its inbox) keeps working while the
 * broker is down, /health says so. `null` (nothing connected) when MARKETPLACE_KAFKA=off.
 */
export const marketplaceMessaging: Provider = {
  provide: MessagingTransport,
  inject: [EventStore, ServiceConfig, CANCELLATION_SETTINGS, NotificationWorker],
  useFactory: (store: EventStore, config: ServiceConfig, settings: CancellationSettings, worker: NotificationWorker): MessagingTransport | null => {
    if (!settings.kafka) return null;
    const logger = nestMessagingLogger('MarketplaceKafka');
    const kafka: KafkaOptions = { brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger };
    const { topics } = settings;
    const relay = new Relay({
      store, kafka, name: 'marketplace-cancellations-relay', map: cancellationEventsMapper(topics.cancellationEvents),
      topics: [topics.spec(topics.cancellationEvents)],
      subscription: { streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE] },
    });
    return new MessagingTransport({
      kafka, groupId: topics.consumerGroup, topics: [topics.notifications, topics.deliveryEvents], pool: store.pool,
      // Prefixed topics are decoded under their catalogue names.
      decode: createInboundDecoder({ topicAliases: (topic) => topics.canonical(topic) }),
      // One message per transaction: the handlers append to the event store inside the inbox transaction, and an
      // append must be a transaction's first write (a shared transaction would refuse every append but one).
      batchTransactions: 1,
      // Consumed topics are provisioned too (with their dead-letter topics): a consumer must not wait for a producer.
      provision: [topics.notifications, topics.deliveryEvents].map((topic) => topics.spec(topic, { deadLetter: true })),
      members: [{ name: `relay ${relay.name}`, start: () => relay.start(), stop: () => relay.stop() }],
      // A stored notification wakes the worker at once instead of at its next poll.
      onHandled: () => worker.poke(),
    });
  },
};
