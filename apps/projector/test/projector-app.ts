import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { encodeMessage, findMessage, TOPIC } from '@orders/contracts';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { provisionTopics } from '@orders/messaging';
import { bootServiceApp, listeningUrl } from '@orders/service-kit/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import request from 'supertest';
import type { IntegrationEvent } from '../src/projections/integration-event';
import { ReadModelDb } from '../src/storage/read-model-db';

const OPERATOR_KEY = 'operator-key';
const COMPANY_KEY = 'company-key';
const VIEWER_KEY = 'viewer-key';

export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

export interface ProjectorTestApp {
  app: NestExpressApplication;
  /** The read-model database as the ops CLI sees it. */
  db: ReadModelDb;
  url: string;
  schema: string;
  outboxSchema: string;
  prefix: string;
  topic(logical: string): string;
  /** Encodes with the contracts (validated) and produces to the prefixed topic, as the services' relays do. */
  publish(events: readonly IntegrationEvent[]): Promise<void>;
  /** Produces raw bytes (poison messages). */
  publishRaw(topic: string, key: string, value: string, headers: Record<string, string>): Promise<void>;
  http(): ReturnType<typeof request>;
  /** API keys: an operator for every company, a desk limited to company-1, a read-only viewer of every company. */
  keys: { operator: string; company1: string; viewer: string };
  close(): Promise<void>;
}

/**
 * Boots the real projector on its own schemas, topic prefix and consumer group (real PostgreSQL and Kafka). With
 * `prefix`, it consumes the topics of services booted on that prefix (which provision them from the catalogue).
 */
export async function startProjector(options: { prefix?: string } = {}): Promise<ProjectorTestApp> {
  await ensureTestDatabase();
  const id = randomBytes(4).toString('hex');
  const prefix = options.prefix ?? `t${id}.`;
  const schema = `projector_app_${id}`;
  const schemas = [schema, `state_outbox_${id}`, `inbox_${id}`];
  const topic = (logical: string) => `${prefix}${logical}`;
  if (!options.prefix) {
    const sources = [TOPIC.orderEvents, TOPIC.deliveryEvents, TOPIC.cancellationEvents];
    const specs = sources.map((t) => ({ topic: topic(t), partitions: 3 }));
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, specs);
  }
  const app = await bootServiceApp({
    appModule: () => import('../src/app.module').then((m) => m.AppModule),
    env: {
      READMODELS_DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent', KAFKA_BROKERS: BROKERS,
      PROJECTOR_SCHEMA: schemas[0], PROJECTOR_OUTBOX_SCHEMA: schemas[1], PROJECTOR_INBOX_SCHEMA: schemas[2],
      TOPIC_PREFIX: prefix,
      API_KEYS: `ops:${OPERATOR_KEY}-${id},desk:${COMPANY_KEY}-${id}:company-1,viewer:${VIEWER_KEY}-${id}:*:read`,
    },
    listen: true,
  });
  const db = ReadModelDb.open({ connection: testDatabaseUrl(), schema, poolSize: 3 });
  const kafka = new Kafka({ brokers: [BROKERS], clientId: `projector-test-${id}`, logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    app, db, url: listeningUrl(app), schema, outboxSchema: schemas[1] as string, prefix, topic,
    async publish(events) {
      for (const event of events) {
        const definition = findMessage(event.topic, event.type, event.schemaVersion);
        if (!definition) throw new Error(`no contract for ${event.type} v${event.schemaVersion} on ${event.topic}`);
        const message = encodeMessage(definition, event.payload, {
          eventId: event.eventId, occurredAt: event.occurredAt, correlationId: event.correlationId,
          causationId: event.causationId,
        });
        const record = { key: message.key, value: message.value, headers: { ...message.headers } };
        await producer.send({ topic: topic(message.topic), acks: -1, messages: [record] });
      }
    },
    async publishRaw(t, key, value, headers) {
      await producer.send({ topic: t, acks: -1, messages: [{ key, value, headers }] });
    },
    http: () => request(app.getHttpServer()),
    keys: { operator: `${OPERATOR_KEY}-${id}`, company1: `${COMPANY_KEY}-${id}`, viewer: `${VIEWER_KEY}-${id}` },
    async close() {
      await producer.disconnect();
      await db.close();
      await app.close();
      for (const s of schemas) await dropSchema(testDatabaseUrl(), s);
    },
  };
}

export { eventually } from '@orders/service-kit/testing';
