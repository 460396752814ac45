import { type Provider } from '@nestjs/common';
import { TOPIC } from '@orders/contracts';
import { EventStore } from '@orders/event-store';
import type { KafkaOptions } from '@orders/messaging';
import { MessagingTransport, nestMessagingLogger } from '@orders/messaging/nest';
import { ServiceConfig } from '@orders/service-kit';
import { eventsApplied, projectionLag } from '../metrics';
import type { IntegrationEvent } from '../projections/integration-event';
import { PROJECTOR_SETTINGS, type ProjectorSettings } from '../settings';
import { ReadModelDb } from '../storage/read-model-db';
import { integrationEventDecoder } from './decoder';
import { LiveProjection } from './live-projection';
import { STATE_RELAY_NAME, StateOutbox } from './state-outbox';
import { statePublisher } from './state-publisher';

/** Messages of one partition per transaction. */
const CHUNK = 200;

/** The small event store in the read-model database that holds the orders.state.v1 outbox. */
export const STATE_OUTBOX_STORE = Symbol('STATE_OUTBOX_STORE');

export const stateOutboxStore: Provider = {
  provide: STATE_OUTBOX_STORE,
  inject: [ServiceConfig, PROJECTOR_SETTINGS],
  useFactory: (config: ServiceConfig, settings: ProjectorSettings) => EventStore.create({
    connection: { connectionString: config.databaseUrl, max: 4, application_name: 'projector-outbox' },
    schema: settings.outboxSchema,
  }),
};

/**
 * The projector's Kafka side, on the platform's one lifecycle (`startMessaging` in main.ts), started in the
 * background: the consumer of the three integration-event topics (inbox, journal, summary and outbox in one
 * transaction per chunk of a partition) and, as a member, the publisher of the outbox to the compacted
 * orders.state.v1. A broker that is down delays projecting, never the HTTP API.
 */
export const projectorMessaging: Provider = {
  provide: MessagingTransport,
  inject: [ReadModelDb, ServiceConfig, PROJECTOR_SETTINGS, STATE_OUTBOX_STORE],
  useFactory: (
    db: ReadModelDb, config: ServiceConfig, settings: ProjectorSettings, outboxStore: EventStore,
  ): MessagingTransport => {
    const logger = nestMessagingLogger('Projector');
    const kafka: KafkaOptions = {
      brokers: config.kafka.brokers, clientId: config.kafka.clientId, logLevel: 'error', logger,
    };
    const topics = settings.topics;
    const live = new LiveProjection(db, new StateOutbox(outboxStore));
    const publisher = statePublisher({
      store: outboxStore, kafka, name: STATE_RELAY_NAME, topic: settings.stateTopic,
      partitions: topics.spec(settings.stateTopic, { catalogueName: TOPIC.orderState }).partitions,
    });
    return new MessagingTransport({
      kafka, groupId: settings.groupId, topics: [...settings.sourceTopics],
      pool: db.pool, inboxSchema: settings.inboxSchema,
      decode: integrationEventDecoder(settings.logicalTopic),
      // The producers provision their topics too; doing it here (idempotent, from the catalogue) lets the projector
      // start first without the consumer failing on a missing topic.
      provision: settings.sourceTopics.map((topic) => topics.spec(topic)),
      members: [
        {
          name: `state publisher ${settings.stateTopic}`,
          start: () => publisher.start(), stop: () => publisher.stop(),
        },
      ],
      // Three topics of six partitions: transactions sharing an order serialise on its lock, so more partitions in
      // flight only add throughput (the pool is sized for it).
      partitionsConsumedConcurrently: 8,
      // Up to CHUNK messages of a partition per transaction (one outbox append, one journal and one summary
      // statement); a failing chunk is retried message by message by the runner, with retries and dead letters.
      batchTransactions: CHUNK,
      handleBatch: async (messages, { tx }) => {
        await live.applyChunk(tx, messages.map((message) => ({
          event: message.payload as IntegrationEvent, origin: { partition: message.partition, offset: message.offset },
        })));
      },
      onHandled: (message, outcome) => {
        if (outcome !== 'handled') return;
        const event = message.payload as IntegrationEvent;
        eventsApplied.inc({ topic: event.topic, type: event.type });
        projectionLag.set({ topic: event.topic }, Math.max(0, (Date.now() - Date.parse(event.occurredAt)) / 1000));
      },
    });
  },
};
