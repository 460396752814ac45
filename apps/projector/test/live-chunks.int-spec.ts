// Chunks of a partition applied in one transaction each (what the consumer's batch handler does): the same read
// model as one event per transaction, rebuild equality under concurrent chunks sharing orders, and the state
// outbox keeping every order's records in order with its tombstone last.
import { EventStore, type RecordedEvent } from '@orders/event-store';
import { withTransaction } from '@orders/event-store';
import { LiveProjection } from '../src/live/live-projection';
import { ORDER_STATE_ERASED, StateOutbox } from '../src/live/state-outbox';
import { checksum, SummaryRebuilder, SUMMARY_PROJECTION, TIMELINE_PROJECTION } from '../src/operations';
import { syntheticHistory } from '../src/projections/history';
import type { IntegrationEvent } from '../src/projections/integration-event';
import type { JournalEntry } from '../src/storage/journal';
import { createTestReadModel, type TestReadModel } from './read-model-fixture';

jest.setTimeout(90_000);

const history = syntheticHistory(40, { prefix: 'ck' });
const models: TestReadModel[] = [];
const stores: EventStore[] = [];
let offset = 0;

afterAll(async () => {
  for (const store of stores) {
    await store.pool.query(`DROP SCHEMA IF EXISTS "${store.schema}" CASCADE`);
    await store.close();
  }
  for (const model of models) await model.drop();
});

async function model(): Promise<TestReadModel> {
  const created = await createTestReadModel('projector_chunks');
  models.push(created);
  return created;
}

async function outboxOf(target: TestReadModel): Promise<EventStore> {
  const store = await EventStore.create({
    connection: { connectionString: target.url, max: 2 },
    schema: `${target.schema}_outbox`,
    notifications: { listen: false },
  });
  stores.push(store);
  return store;
}

const entries = (events: readonly IntegrationEvent[], partition: number): JournalEntry[] =>
  events.map((event) => ({ event, origin: { partition, offset: String((offset += 1)) } }));

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

async function applyChunks(
  target: TestReadModel,
  live: LiveProjection,
  lane: readonly IntegrationEvent[],
  size: number,
  partition: number,
): Promise<void> {
  for (const chunk of chunks(lane, size))
    await withTransaction(target.db.pool, (tx) => live.applyChunk(tx, entries(chunk, partition)));
}

/**
 * The outbox in the log's commit-safe order, (transaction id, position): the order the publisher sends. Read with
 * SQL rather than readAll, whose horizon any long transaction elsewhere on the server holds back; every
 * transaction of this spec has committed by then.
 */
async function outboxRecords(store: EventStore): Promise<Array<Pick<RecordedEvent, 'streamId' | 'type' | 'data'>>> {
  const { rows } = await store.pool.query<{ stream_id: string; type: string; data: unknown }>(
    `SELECT stream_id, type, data FROM "${store.schema}".events ORDER BY transaction_id, global_position`,
  );
  return rows.map((row) => ({ streamId: row.stream_id, type: row.type, data: row.data }));
}

it('folds chunks (several events of one order in one) into the same summaries and timeline as one event per transaction', async () => {
  const single = await model();
  const chunked = await model();
  await single.applyLive(history);
  // the synthetic history lists each order's events together: most chunks hold several events of one order
  await applyChunks(chunked, new LiveProjection(chunked.db, undefined), history, 9, 0);
  for (const projection of [SUMMARY_PROJECTION, TIMELINE_PROJECTION] as const) {
    expect(await checksum(chunked.db, projection)).toEqual(await checksum(single.db, projection));
  }
  expect((await checksum(chunked.db, SUMMARY_PROJECTION)).rows).toBe(40);
});

it("keeps rebuild equality and each order's outbox records in order when chunks of three partitions share orders concurrently", async () => {
  const target = await model();
  const store = await outboxOf(target);
  const live = new LiveProjection(target.db, new StateOutbox(store));
  const lanes = [...new Set(history.map((e) => e.topic))].map((topic) => history.filter((e) => e.topic === topic));
  await Promise.all(lanes.map((lane, partition) => applyChunks(target, live, lane, 7, partition)));

  const live1 = await checksum(target.db, SUMMARY_PROJECTION);
  await new SummaryRebuilder(target.db).rebuild({ batchSize: 50 });
  expect(await checksum(target.db, SUMMARY_PROJECTION)).toEqual({ ...live1, version: 2 });

  // In the log's commit-safe order (what the publisher sends), each order's records count up one by one, nothing
  // follows a tombstone, and the last record is the summary row's state.
  const records = await outboxRecords(store);
  const byOrder = new Map<string, typeof records>();
  for (const record of records) {
    const orderId = (record.data as { orderId: string }).orderId;
    byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), record]);
  }
  expect(byOrder.size).toBe(40);
  const { rows } = await target.db.pool.query<{ order_id: string; erased: boolean; state: { version: number } }>(
    `SELECT order_id, erased, state FROM ${target.db.table('order_summary')}`,
  );
  let erased = 0;
  for (const row of rows) {
    const own = byOrder.get(row.order_id) ?? [];
    const states = own.filter((r) => r.type !== ORDER_STATE_ERASED).map((r) => (r.data as { version: number }).version);
    expect(states).toEqual(Array.from({ length: states.length }, (_, i) => i + 1));
    if (row.erased) {
      erased += 1;
      expect(own[own.length - 1]?.type).toBe(ORDER_STATE_ERASED);
      expect(own.filter((r) => r.type === ORDER_STATE_ERASED)).toHaveLength(1);
    } else {
      expect(own[own.length - 1]?.data).toEqual(row.state);
    }
  }
  expect(erased).toBeGreaterThan(0);
  // one stream per partition, not per order
  expect(new Set(records.map((r) => r.streamId))).toEqual(
    new Set(lanes.map((lane, p) => StateOutbox.streamOf(lane[0]?.topic as string, p))),
  );
});
