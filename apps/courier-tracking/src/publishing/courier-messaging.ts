import { type Provider } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Relay, type KafkaOptions } from '@orders/messaging';
import { MessagingTransport, nestMessagingLogger } from '@orders/messaging/nest';
import { ServiceConfig } from '@orders/service-kit';
import { PositionsConsumer } from '../positions/positions.consumer';
import { VisitDetector } from '../positions/visit-detector';
import { SettingsService } from '../settings/settings.service';
import { COURIER_TOPICS, type CourierTopics } from './courier-topics';
import { deliveryEventMessage } from './delivery-events.mapper';
import { inboundDecoder } from './inbound-decoder';

/**
 * courier-tracking's Kafka side in one place, on the platform's one lifecycle (`startMessaging` in main.ts): the
 * relay publishing `courier.delivery-events.v1` from the log, the positions stream consumer (no inbox: positions
 * are idempotent by nature, and the hot path needs no database round trip per message), and the policy consumer
 * group (intake order events, marketplace cancellation events; inbox, DLQ) whose messages the `@EventPattern`
 * controllers of the use cases handle (`deliveries/create-delivery-on-accepted-order`,
 * `deliveries/cancel-delivery-on-marketplace-cancellation`, registered in app.module.ts). All start in the
 * background, so a broker that is down delays integration but never the HTTP API.
 */
export const courierMessaging: Provider = {
  provide: MessagingTransport,
  inject: [EventStore, ServiceConfig, COURIER_TOPICS, VisitDetector, SettingsService],
  useFactory: (store: EventStore, config: ServiceConfig, topics: CourierTopics, detector: VisitDetector, settings: SettingsService) => {
    const kafka: KafkaOptions = {
      brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger: nestMessagingLogger('CourierMessaging'),
    };
    const relay = new Relay({
      store, kafka, name: `${topics.policyGroup}-delivery-events-relay`, map: (event) => deliveryEventMessage(event, topics.deliveryEvents),
      topics: [topics.spec(topics.deliveryEvents)], subscription: { streamTypes: ['delivery'] },
    });
    const positions = new PositionsConsumer({
      brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-positions`, topic: topics.positions, groupId: topics.positionsGroup,
    }, detector, settings);
    return new MessagingTransport({
      kafka, groupId: topics.policyGroup, topics: [topics.orderEvents, topics.cancellationEvents], pool: store.pool, decode: inboundDecoder(topics),
      // One message per transaction: the handlers append to the event store inside the inbox transaction, and an
      // append must be a transaction's first write (a shared transaction would refuse every append but one).
      batchTransactions: 1,
      // Consumed topics are provisioned too: a consumer must not wait for a producer to create them.
      provision: [topics.spec(topics.positions), topics.spec(topics.orderEvents), topics.spec(topics.cancellationEvents)],
      members: [
        { name: `relay ${relay.name}`, start: () => relay.start(), stop: () => relay.stop() },
        { name: `positions consumer ${topics.positionsGroup}`, start: () => positions.start(), stop: () => positions.stop() },
      ],
    });
  },
};
