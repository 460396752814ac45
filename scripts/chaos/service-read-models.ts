import { DELIVERY_UPCASTERS } from '@orders/delivery-domain';
import { MARKETPLACE_ORDER_STREAM_TYPE } from '@orders/cancellations-domain';
import { EventStore, START, type RecordedEvent, type Upcaster } from '@orders/event-store';
import type { EventStoreSubscriptions } from '@orders/event-store/nest';
import { EXTERNAL_ORDER_STREAM_TYPE, EXTERNAL_ORDER_UPCASTERS } from '@orders/ordering-domain';
import type { PoolClient } from 'pg';
import { ReadModelsProjection } from '../../apps/courier-tracking/src/read-models/read-models.projection';
import { BoardProjection } from '../../apps/intake/src/board/board.projection';
import { projectCancellations } from '../../apps/marketplace-cancellations/src/read-model/cancellation-read-model';
import type { ServiceName } from './stack';

/** A service's own read model: the tables its projection keeps and the projection code itself. */
export interface ServiceReadModel {
  readonly name: string;
  readonly service: ServiceName;
  readonly streamTypes: readonly string[];
  readonly upcasters: readonly Upcaster[];
  /** The rows compared. */
  readonly tables: readonly string[];
  /** Written by the projection too but not compared (a change feed numbered by a sequence). */
  readonly scratch?: readonly string[];
  /** The projection's batch handler, as its subscription calls it. */
  projection(store: EventStore): (events: RecordedEvent[], tx: PoolClient) => Promise<void>;
}

const NO_SUBSCRIPTIONS = { register: () => undefined } as unknown as EventStoreSubscriptions;

export const SERVICE_READ_MODELS: readonly ServiceReadModel[] = [
  {
    name: 'intake order board',
    service: 'intake',
    streamTypes: [EXTERNAL_ORDER_STREAM_TYPE],
    upcasters: EXTERNAL_ORDER_UPCASTERS,
    tables: ['intake_order_board'],
    scratch: ['intake_board_changes'],
    projection: (store) => {
      const board = new BoardProjection(store);
      return (events, tx) => board.apply(events, tx);
    },
  },
  {
    name: 'courier-tracking delivery details and routes',
    service: 'courier-tracking',
    streamTypes: ['delivery'],
    upcasters: DELIVERY_UPCASTERS,
    tables: ['delivery_details', 'courier_route_deliveries'],
    projection: (store) => {
      const projection = new ReadModelsProjection(store, NO_SUBSCRIPTIONS);
      return (events, tx) => projection.project(events, tx);
    },
  },
  {
    name: 'marketplace-cancellations orders and requests',
    service: 'marketplace-cancellations',
    streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE],
    upcasters: [],
    tables: ['marketplace_orders', 'cancellation_requests'],
    projection: () => projectCancellations,
  },
];

export interface TableComparison {
  readonly table: string;
  readonly live: { rows: number; checksum: string };
  readonly folded: { rows: number; checksum: string };
  readonly equal: boolean;
}

export interface ServiceReadModelComparison {
  readonly name: string;
  readonly events: number;
  readonly tables: TableComparison[];
  readonly equal: boolean;
}

const BATCH = 500;
const CATCH_UP_MS = 20_000;

// Every column of every row in one order: equal sums, equal tables.
const checksumOf = (table: string) => `SELECT count(*)::int AS rows,
  md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS checksum FROM ${table} t`;

/**
 * A service's read model rows against a fold of its event log by the same projection code: in one transaction that
 * is rolled back, temporary tables shaped like the live ones (LIKE … INCLUDING ALL) shadow them (pg_temp comes first
 * in the search path), every event of the store is fed to the projection in its subscription's batches, and both
 * sides' rows are summed. Nothing of the service is touched. The live model may still be catching up with the log
 * right after quiescence: compared again for a while until equal (a real drift stays unequal).
 */
export async function compareWithFold(
  model: ServiceReadModel,
  databaseUrl: string,
  catchUpMs = CATCH_UP_MS,
): Promise<ServiceReadModelComparison> {
  const store = await EventStore.create({
    connection: { connectionString: databaseUrl, max: 2 },
    schema: 'event_store',
    upcasters: model.upcasters,
    notifications: { listen: false, publish: false },
  });
  try {
    const deadline = Date.now() + catchUpMs;
    for (;;) {
      const comparison = await foldOnce(model, store);
      if (comparison.equal || Date.now() > deadline) return comparison;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await store.close();
  }
}

async function foldOnce(model: ServiceReadModel, store: EventStore): Promise<ServiceReadModelComparison> {
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN');
    const live = new Map<string, { rows: number; checksum: string }>();
    for (const table of model.tables) {
      live.set(table, (await client.query<{ rows: number; checksum: string }>(checksumOf(`public.${table}`))).rows[0]);
    }
    for (const table of [...model.tables, ...(model.scratch ?? [])]) {
      await client.query(`CREATE TEMPORARY TABLE ${table} (LIKE public.${table} INCLUDING ALL) ON COMMIT DROP`);
    }
    const project = model.projection(store);
    let events = 0;
    let after = START;
    for (;;) {
      const page = await store.readAll({ after, limit: BATCH, streamTypes: model.streamTypes });
      if (page.events.length > 0) await project(page.events, client);
      events += page.events.length;
      after = page.checkpoint;
      if (page.events.length < BATCH && !page.pending) break;
    }
    const tables: TableComparison[] = [];
    for (const table of model.tables) {
      const folded = (await client.query<{ rows: number; checksum: string }>(checksumOf(`pg_temp.${table}`))).rows[0];
      const mine = live.get(table) ?? { rows: -1, checksum: '' };
      tables.push({ table, live: mine, folded, equal: mine.rows === folded.rows && mine.checksum === folded.checksum });
    }
    return { name: model.name, events, tables, equal: tables.every((table) => table.equal) };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
