import { Injectable } from '@nestjs/common';
import type { Target } from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { DeliveryCommands } from '../deliveries/delivery-commands';
import { PersonalRecord, coordinateOf } from '../deliveries/delivery-view';

/**
 * The points visits are detected at, opened from the deliveries' sealed records: the log only says whether a
 * delivery is located, and no read model keeps the numbers (an erased record then has no point anywhere). The
 * delivery-detail row names the record, and for an order written before coordinates were sealed holds the old
 * numbers its events carry. A delivery absent here (unknown, deleted, erased, not located) has no target.
 * Opening the records also leaves their keys in the vault's sealing cache: the positions a decision appends are sealed
 * with them (DeliveryCommands) at no further round trip.
 */
@Injectable()
export class TargetPoints {
  constructor(private readonly store: EventStore, private readonly vault: PersonalDataVault, private readonly commands: DeliveryCommands) {}

  async of(deliveryIds: readonly string[]): Promise<Map<string, Target>> {
    const targets = new Map<string, Target>();
    if (deliveryIds.length === 0) return targets;
    const { rows } = await this.store.pool.query<{ delivery_id: string; pii_ref: string; lat: number | null; lon: number | null }>(
      `SELECT delivery_id, view->>'pii_ref' AS pii_ref, (view->>'lat')::float8 AS lat, (view->>'lon')::float8 AS lon
         FROM delivery_details WHERE delivery_id = ANY($1::uuid[])`, [deliveryIds]);
    const records = await this.vault.openMany<PersonalRecord>(rows.map((row) => row.pii_ref));
    for (const row of rows) {
      const record = records.get(row.pii_ref);
      if (record === undefined) continue;
      const legacy = { lat: row.lat, lon: row.lon };
      const lat = coordinateOf('lat', record, legacy);
      const lon = coordinateOf('lon', record, legacy);
      if (lat !== null && lon !== null) targets.set(row.delivery_id, { lat, lon });
    }
    return targets;
  }

  /**
   * A delivery's target from its record alone (one key read, no stream read): a delivery just created or changed in
   * this process, whose state is at hand. Undefined when the record holds no point (then ask `ofStream`, which also
   * reads the coordinates of an order written before they were sealed).
   */
  async ofRecord(piiRef: string): Promise<Target | undefined> {
    const record = await this.vault.open<PersonalRecord>(piiRef);
    const lat = record && coordinateOf('lat', record, { lat: null, lon: null });
    const lon = record && coordinateOf('lon', record, { lat: null, lon: null });
    return typeof lat === 'number' && typeof lon === 'number' ? { lat, lon } : undefined;
  }

  /** One delivery's target, from its stream rather than the read model (which may not have caught up yet). */
  async ofStream(deliveryId: string): Promise<Target | undefined> {
    const view = await this.commands.view(deliveryId);
    const record = view && (await this.vault.open<PersonalRecord>(view.pii_ref));
    if (!view || !record) return undefined;
    const lat = coordinateOf('lat', record, view);
    const lon = coordinateOf('lon', record, view);
    return lat !== null && lon !== null ? { lat, lon } : undefined;
  }
}
