import { Injectable } from '@nestjs/common';
import { deliveryIdOfStream, type DeliveryEvent } from '@orders/delivery-domain';
import { EventStore, RecordedEvent, Subscription } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import type { PoolClient } from 'pg';
import { DeliveryView, applyToView } from '../deliveries/delivery-view';

export const READ_MODELS_SUBSCRIPTION = 'courier-read-models';

/**
 * Feeds the delivery-detail and courier-route read models from the log, in the subscription's transaction (so the
 * rows and the checkpoint commit together). Each row keeps the stream version it applied: a redelivered or older
 * event changes nothing, which makes a replay (resetSubscription) rebuild the same rows.
 *
 * Neither model holds a delivery's coordinates (personal data): readers join them from the sealed record (order
 * responses, the detector's target points). Copying them in here, from the vault or from the command path, would make
 * a rebuild depend on the vault's state at replay time and leave erasure to a row delete; joining needs neither.
 */
@Injectable()
export class ReadModelsProjection {
  private readonly subscription: Subscription;

  constructor(
    private readonly store: EventStore,
    subscriptions: EventStoreSubscriptions,
  ) {
    this.subscription = subscriptions.register(READ_MODELS_SUBSCRIPTION, (events, tx) => this.project(events, tx), {
      streamTypes: ['delivery'],
      batchSize: 500,
    });
  }

  /**
   * Rebuilds both read models from the whole log: stop the runner (its lease and in-memory checkpoint), empty the
   * tables, rewind, start again. Reads see empty or partial models until it caught up.
   */
  async rebuild(): Promise<void> {
    await this.subscription.stop();
    await this.store.pool.query('TRUNCATE delivery_details, courier_route_deliveries');
    await this.store.resetSubscription(READ_MODELS_SUBSCRIPTION);
    await this.subscription.start();
  }

  /**
   * A batch in at most six statements, whatever the number of deliveries it touches: their rows read (and locked) at
   * once, each delivery's events folded in memory, then multi-row writes. Positions make this projection busy (a
   * decision per arrival, visit, finish and departure), and four round trips per delivery were as many as the points.
   */
  async project(events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
    const byDelivery = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const id = deliveryIdOfStream(event.streamId).toLowerCase();
      const stream = byDelivery.get(id);
      if (stream) stream.push(event);
      else byDelivery.set(id, [event]);
    }
    // Locked in id order: a rebuild's batches and the live one never wait on each other crosswise.
    const { rows } = await tx.query<{ delivery_id: string; view: DeliveryView }>(
      'SELECT delivery_id::text, view FROM delivery_details WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id FOR UPDATE',
      [[...byDelivery.keys()]],
    );
    const stored = new Map(rows.map((row) => [row.delivery_id, row.view]));
    const deleted: string[] = [];
    const views: { id: string; view: DeliveryView }[] = [];
    for (const [id, stream] of byDelivery) {
      const view = fold(stored.get(id), stream);
      if (view) views.push({ id, view });
      else deleted.push(id);
    }
    if (deleted.length > 0) {
      await tx.query('DELETE FROM delivery_details WHERE delivery_id = ANY($1::uuid[])', [deleted]);
      await tx.query('DELETE FROM courier_route_deliveries WHERE delivery_id = ANY($1::uuid[])', [deleted]);
    }
    if (views.length === 0) return;
    await tx.query(
      `INSERT INTO delivery_details (delivery_id, company_id, number, route_id, status, view, version, created_at)
       SELECT delivery_id, company_id, number, route_id, status, view, version, created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(delivery_id uuid, company_id text, number text, route_id text, status text, view jsonb,
         version integer, created_at timestamptz)
       ON CONFLICT (delivery_id) DO UPDATE SET number = EXCLUDED.number, route_id = EXCLUDED.route_id, status = EXCLUDED.status,
         view = EXCLUDED.view, version = EXCLUDED.version
         WHERE delivery_details.version < EXCLUDED.version`,
      [
        JSON.stringify(
          views.map(({ id, view }) => ({
            delivery_id: id,
            company_id: view.company_id,
            number: view.number,
            route_id: view.route_id,
            status: view.status,
            view,
            version: view.version,
            created_at: view.created_at,
          })),
        ),
      ],
    );
    // The courier route view: one row per delivery, for its current route if it has one.
    const routes = views.map(({ id, view }) => ({
      delivery_id: id,
      route_id: view.route_id,
      company_id: view.company_id,
      number: view.number,
      status: view.status,
      window_start: view.time_window.start,
      window_end: view.time_window.end,
      version: view.version,
    }));
    // `delivery_id = ANY` lets the planner find the rows by index; joined with the set alone it scanned the table.
    await tx.query(
      `DELETE FROM courier_route_deliveries c USING unnest($1::uuid[], $2::text[]) AS x(delivery_id, route_id)
       WHERE c.delivery_id = ANY($1::uuid[]) AND c.delivery_id = x.delivery_id AND c.route_id IS DISTINCT FROM x.route_id`,
      [routes.map((route) => route.delivery_id), routes.map((route) => route.route_id)],
    );
    const routed = routes.filter((route) => route.route_id !== null);
    if (routed.length === 0) return;
    await tx.query(
      `INSERT INTO courier_route_deliveries (route_id, delivery_id, company_id, number, status, window_start, window_end, version)
       SELECT route_id, delivery_id, company_id, number, status, window_start, window_end, version
       FROM jsonb_to_recordset($1::jsonb) AS x(route_id text, delivery_id uuid, company_id text, number text, status text,
         window_start timestamptz, window_end timestamptz, version integer)
       ON CONFLICT (route_id, delivery_id) DO UPDATE SET number = EXCLUDED.number, status = EXCLUDED.status,
         window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, version = EXCLUDED.version
         WHERE courier_route_deliveries.version < EXCLUDED.version`,
      [JSON.stringify(routed)],
    );
  }
}

/** One delivery's stored view with a batch's events applied; undefined when it ends deleted (or never existed). */
function fold(stored: DeliveryView | undefined, events: readonly RecordedEvent[]): DeliveryView | undefined {
  let view = stored;
  for (const recorded of events) {
    const change = applyToView(
      view,
      { type: recorded.type, data: recorded.data } as DeliveryEvent,
      recorded.streamVersion,
      recorded.recordedAt.toISOString(),
    );
    if (change.kind === 'delete') view = undefined;
    else if (change.kind === 'upsert') view = change.view;
  }
  return view;
}
