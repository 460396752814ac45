import { type Provider } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Relay, type KafkaOptions } from '@orders/messaging';
import { MessagingTransport, nestMessagingLogger } from '@orders/messaging/nest';
import { EXTERNAL_ORDER_STREAM_TYPE } from '@orders/ordering-domain';
import { ServiceConfig } from '@orders/service-kit';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake-settings';
import {
  MarketplaceCancellationMessageController,
} from '../external-orders/cancel-on-marketplace-cancellation/marketplace-cancellation.message.controller';
import { SubmitOrderMessageController } from '../external-orders/submit-order/submit-order.message.controller';
import { inboundDecoder } from './inbound-decoder';
import { IntakeTopics } from './intake-topics';
import { orderEventMessage } from './order-events.mapper';

/** The `@EventPattern` handlers of intake's consumer group. */
export const INTAKE_MESSAGE_CONTROLLERS = [SubmitOrderMessageController, MarketplaceCancellationMessageController];

/**
 * Intake's Kafka side in one place, on the platform's one lifecycle (`startMessaging` in main.ts): the relay
 * publishing `intake.order-events.v1` from the log, and the consumer group of `intake.external-orders.v1` and
 * `marketplace.cancellation-events.v1`, whose messages the controllers above handle. It starts in the background,
 * so a broker that is down delays integration but never the HTTP API (whose /health then reports Kafka down).
 */
export const intakeMessaging: Provider = {
  provide: MessagingTransport,
  inject: [EventStore, ServiceConfig, INTAKE_SETTINGS],
  useFactory: (store: EventStore, config: ServiceConfig, settings: IntakeSettings): MessagingTransport => {
    const kafka: KafkaOptions = {
      brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger: nestMessagingLogger('IntakeMessaging'),
    };
    const topics = new IntakeTopics(settings.topicPrefix);
    const relay = new Relay({
      store, kafka, name: `${topics.consumerGroup}-order-events-relay`,
      map: (event) => orderEventMessage(event, topics.orderEvents),
      topics: [topics.spec(topics.orderEvents)],
      subscription: { streamTypes: [EXTERNAL_ORDER_STREAM_TYPE] },
    });
    return new MessagingTransport({
      kafka, groupId: topics.consumerGroup, topics: [topics.externalOrders, topics.cancellationEvents], pool: store.pool,
      decode: inboundDecoder(topics),
      // One message per transaction: the handlers append to the event store inside the inbox transaction, and an
      // append must be a transaction's first write (a shared transaction would refuse every append but one).
      batchTransactions: 1,
      // Consumed topics are provisioned too: a consumer must not wait for a producer to create them.
      provision: [topics.spec(topics.externalOrders), topics.spec(topics.cancellationEvents)],
      members: [{ name: `relay ${relay.name}`, start: () => relay.start(), stop: () => relay.stop() }],
    });
  },
};
