import { randomBytes } from 'node:crypto';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { LiveProjection } from '../src/live/live-projection';
import type { StateOutbox } from '../src/live/state-outbox';
import type { IntegrationEvent } from '../src/projections/integration-event';
import { withTransaction } from '@orders/event-store';
import { ReadModelDb } from '../src/storage/read-model-db';

export interface TestReadModel {
  db: ReadModelDb;
  schema: string;
  url: string;
  /** Applies events as the consumer runner would (one transaction each), without Kafka. */
  applyLive(events: readonly IntegrationEvent[], outbox?: StateOutbox): Promise<void>;
  drop(): Promise<void>;
}

let offset = 0;

/** A migrated read-model schema of its own in the shared test database. */
export async function createTestReadModel(prefix = 'projector'): Promise<TestReadModel> {
  await ensureTestDatabase();
  const url = testDatabaseUrl();
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const db = await ReadModelDb.create({ connection: url, schema, poolSize: 8 });
  return {
    db, schema, url,
    async applyLive(events, outbox) {
      const live = new LiveProjection(db, outbox);
      for (const event of events) {
        offset += 1;
        await withTransaction(db.pool, (tx) => live.apply(tx, event, { partition: 0, offset: String(offset) }));
      }
    },
    async drop() {
      await db.close();
      await dropSchema(url, schema);
    },
  };
}
