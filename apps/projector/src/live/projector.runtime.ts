import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { topicDefinition } from '@orders/contracts';
import { createConsumer, provisionTopics, type Consumer } from '@orders/messaging';
import { ServiceConfig } from '@orders/service-kit';
// The service's own /metrics registry (service-kit keeps one per app and does not export the class by name yet).
import { HttpMetrics } from '@orders/service-kit/src/metrics/http-metrics';
import { eventsApplied, projectionLag, registerProjectorMetrics, setRebuildProbe } from '../metrics';
import type { IntegrationEvent } from '../projections/integration-event';
import { SummaryRebuilder } from '../rebuild/rebuilder';
import { PROJECTOR_SETTINGS, type ProjectorSettings } from '../settings';
import { ReadModelDb } from '../storage/read-model-db';
import { integrationEventDecoder } from './decoder';
import { LiveProjection } from './live-projection';
import { STATE_RELAY_NAME, StateOutbox } from './state-outbox';
import { StatePublisher } from './state-publisher';

/** Messages of one partition per transaction. */
const CHUNK = 200;

/**
 * The projector's moving parts, started after bootstrap and stopped in order before the pools close: the consumer
 * of the three integration-event topics (inbox, journal, summary and outbox in one transaction per chunk of a partition) and the relay that
 * publishes the outbox to the compacted orders.state.v1.
 */
@Injectable()
export class ProjectorRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private outboxStore?: EventStore;
  private consumer?: Consumer;
  private relay?: StatePublisher;

  constructor(
    private readonly db: ReadModelDb,
    private readonly config: ServiceConfig,
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
    private readonly httpMetrics: HttpMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    registerProjectorMetrics(this.httpMetrics.registry);
    const rebuilds = new SummaryRebuilder(this.db);
    setRebuildProbe(() => rebuilds.running());
    const kafka = { brokers: this.config.kafka.brokers, clientId: this.config.kafka.clientId, logLevel: 'error' as const };
    this.outboxStore = await EventStore.create({
      connection: { connectionString: this.config.databaseUrl, max: 4, application_name: 'projector-outbox' }, schema: this.settings.outboxSchema,
    });
    const live = new LiveProjection(this.db, new StateOutbox(this.outboxStore));
    // The producers provision their topics too; doing it here (idempotent, from the catalogue) lets the projector
    // start first without the consumer failing on a missing topic.
    await provisionTopics(kafka, this.settings.sourceTopics.map((topic) => {
      const definition = topicDefinition(this.settings.logicalTopic(topic));
      const configs: Record<string, string> = { 'cleanup.policy': definition?.cleanupPolicy ?? 'delete' };
      if (definition?.retentionMs) configs['retention.ms'] = String(definition.retentionMs);
      return { topic, partitions: definition?.partitions ?? 6, configs };
    }));
    this.relay = new StatePublisher({ store: this.outboxStore, kafka, name: STATE_RELAY_NAME, topic: this.settings.stateTopic, partitions: topicDefinition('orders.state.v1')?.partitions ?? 6 });
    await this.relay.start();
    this.consumer = createConsumer({
      kafka, groupId: this.settings.groupId, topics: [...this.settings.sourceTopics], pool: this.db.pool, inboxSchema: this.settings.inboxSchema,
      decode: integrationEventDecoder(this.settings.logicalTopic),
      // Three topics of six partitions: transactions sharing an order serialise on its lock, so more partitions in
      // flight only add throughput (the pool below is sized for it).
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
    await this.consumer.start();
    this.logger.log(`projecting ${this.settings.sourceTopics.join(', ')} into schema ${this.settings.schema}; publishing ${this.settings.stateTopic}`);
  }

  async onApplicationShutdown(): Promise<void> {
    setRebuildProbe(undefined);
    await this.consumer?.stop();
    await this.relay?.stop();
    await this.outboxStore?.close();
    await this.db.close();
  }
}
