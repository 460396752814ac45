import { Injectable } from '@nestjs/common';
import type { DeliveryEvent } from '@orders/delivery-domain';
import { EventStore, RecordedEvent, Subscription } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import type { PoolClient } from 'pg';
import { DeliveryView, applyToView } from '../orders/delivery-view';

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

  constructor(private readonly store: EventStore, subscriptions: EventStoreSubscriptions) {
    this.subscription = subscriptions.register(READ_MODELS_SUBSCRIPTION, (events, tx) => this.project(events, tx), { streamTypes: ['delivery'], batchSize: 500 });
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

  async project(events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
    // One read and one write per delivery per batch: the batch's events of a stream are folded in memory first.
    const byDelivery = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const id = event.streamId.slice('delivery-'.length);
      byDelivery.set(id, [...(byDelivery.get(id) ?? []), event]);
    }
    for (const [id, stream] of byDelivery) await this.projectDelivery(id, stream, tx);
  }

  private async projectDelivery(id: string, events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
    const { rows } = await tx.query<{ view: DeliveryView }>('SELECT view FROM delivery_details WHERE delivery_id = $1 FOR UPDATE', [id]);
    let view: DeliveryView | undefined = rows[0]?.view;
    let deleted = false;
    for (const recorded of events) {
      const change = applyToView(view, { type: recorded.type, data: recorded.data } as DeliveryEvent, recorded.streamVersion, recorded.recordedAt.toISOString());
      if (change.kind === 'delete') {
        view = undefined;
        deleted = true;
      } else if (change.kind === 'upsert') {
        view = change.view;
        deleted = false;
      }
    }
    if (deleted || !view) {
      await tx.query('DELETE FROM delivery_details WHERE delivery_id = $1', [id]);
      await tx.query('DELETE FROM courier_route_deliveries WHERE delivery_id = $1', [id]);
      return;
    }
    await tx.query(
      `INSERT INTO delivery_details (delivery_id, company_id, number, route_id, status, view, version, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (delivery_id) DO UPDATE SET number = $3, route_id = $4, status = $5, view = $6, version = $7
         WHERE delivery_details.version < $7`,
      [id, view.company_id, view.number, view.route_id, view.status, view, view.version, view.created_at],
    );
    // The courier route view: one row for the delivery's current route, if it has one.
    await tx.query('DELETE FROM courier_route_deliveries WHERE delivery_id = $1 AND route_id IS DISTINCT FROM $2', [id, view.route_id]);
    if (view.route_id !== null) {
      await tx.query(
        `INSERT INTO courier_route_deliveries (route_id, delivery_id, company_id, number, status, window_start, window_end, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (route_id, delivery_id) DO UPDATE SET number = $4, status = $5, window_start = $6, window_end = $7, version = $8
           WHERE courier_route_deliveries.version < $8`,
        [view.route_id, id, view.company_id, view.number, view.status, view.time_window.start, view.time_window.end, view.version],
      );
    }
  }
}
