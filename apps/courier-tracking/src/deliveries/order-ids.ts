import { Injectable } from '@nestjs/common';
import { DeliveryNotFound } from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { ID_FORMATS } from '@orders/service-kit';
import type { Pool, PoolClient } from 'pg';

// A Track & Trace order id: the integer of its company's sequence (order-ids.migration.ts). The delivery's UUID stays
// its identity everywhere else (streams, events, Kafka, read models).

/** Numbers a delivery in its company's sequence, unless it has its integer already; one statement, so atomic. */
const ASSIGN = `
  WITH next AS (
    INSERT INTO order_id_counters (company_id, last_id) VALUES ($1, 1)
    ON CONFLICT (company_id) DO UPDATE SET last_id = order_id_counters.last_id + 1
    RETURNING last_id)
  INSERT INTO order_ids (company_id, order_id, delivery_id) SELECT $1, last_id, $2 FROM next
  ON CONFLICT (delivery_id) DO NOTHING`;

/** Written alongside a delivery's creation, in its transaction (DeliveryCommands), whichever way it was created. */
export async function assignOrderId(tx: PoolClient | Pool, companyId: string, deliveryId: string): Promise<void> {
  await tx.query(ASSIGN, [companyId, deliveryId]);
}

/** The two ids of an order: the integer callers may name it by, and our UUID. */
@Injectable()
export class OrderIds {
  private readonly pool: Pool;

  constructor(store: EventStore) {
    this.pool = store.pool;
  }

  /**
   * The delivery a path's order id names within the company: a UUID is ours, an integer the company's sequence.
   * An integer nobody holds in this company answers as a missing order (404, NotFoundAs).
   */
  async resolve(companyId: string, orderId: string): Promise<string> {
    if (ID_FORMATS.uuid.test(orderId)) return orderId;
    const { rows } = await this.pool.query<{ delivery_id: string }>(
      'SELECT delivery_id FROM order_ids WHERE company_id = $1 AND order_id = $2',
      [companyId, orderId],
    );
    if (!rows[0]) throw new DeliveryNotFound();
    return rows[0].delivery_id;
  }

  /** The integers of the company's deliveries; one made before integers existed is numbered now. */
  async of(companyId: string, deliveryIds: readonly string[]): Promise<Map<string, number>> {
    const read = async () => {
      const { rows } = await this.pool.query<{ delivery_id: string; order_id: string }>(
        'SELECT delivery_id::text, order_id FROM order_ids WHERE delivery_id = ANY($1::uuid[])',
        [deliveryIds],
      );
      return new Map(rows.map((row) => [row.delivery_id, Number(row.order_id)]));
    };
    const found = await read();
    const missing = deliveryIds.filter((id) => !found.has(id.toLowerCase()));
    if (missing.length === 0) return found;
    for (const id of missing) await assignOrderId(this.pool, companyId, id);
    return read();
  }
}
