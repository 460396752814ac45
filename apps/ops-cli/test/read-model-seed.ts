import { randomBytes } from 'node:crypto';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { Pool } from 'pg';
import { runProjectorOperation } from '../src/projector-operations';

export interface SeededEvent {
  eventId: string;
  orderId: string;
  tenantId: string;
  type: string;
  topic: string;
  source: string;
  actor: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

const INTAKE = ['intake.order-events.v1', 'intake'] as const;
const COURIER = ['courier.delivery-events.v1', 'courier-tracking'] as const;
const MARKET = ['marketplace.cancellation-events.v1', 'marketplace-cancellations'] as const;

/**
 * A small cross-service history written straight into the projector's journal, as its consumer would have: every
 * order received and accepted; even orders delivered; every third cancelled through the marketplace.
 */
export function history(orders: number): SeededEvent[] {
  const events: SeededEvent[] = [];
  let clock = Date.UTC(2026, 10, 23, 9, 0, 0);
  for (let n = 0; n < orders; n += 1) {
    const orderId = `ops-${n}`;
    const tenantId = `company-${n % 4}`;
    const add = (
      type: string,
      [topic, source]: readonly [string, string],
      actor: string,
      payload: Record<string, unknown> = {},
    ) => {
      clock += 1000;
      events.push({
        eventId: `${orderId}-${events.length}`,
        orderId,
        tenantId,
        type,
        topic,
        source,
        actor,
        occurredAt: new Date(clock).toISOString(),
        payload: { orderId, tenantId, ...payload },
      });
    };
    add('ExternalOrderReceived', INTAKE, 'system', {
      source: 'site',
      externalId: `X${n}`,
      amountMinor: 500 + n,
      currency: 'RUB',
    });
    add('ExternalOrderAccepted', INTAKE, `operator-${n % 2}`, { acceptedBy: `operator-${n % 2}` });
    add('DeliveryCreated', COURIER, 'system', { deliveryId: `delivery-${n}` });
    if (n % 3 === 2) {
      const market = { campaignId: 7, marketOrderId: n, requestId: `request-${n}` };
      add('CancellationRequested', MARKET, 'system', {
        ...market,
        deadlineAt: new Date(clock + 172_800_000).toISOString(),
        orderStatusAtRequest: 'DELIVERY',
      });
      add('CancellationAccepted', MARKET, 'operator-9', { ...market, decidedBy: 'operator-9' });
      add('DeliveryCancelled', COURIER, 'initiator:user_api', { deliveryId: `delivery-${n}`, initiator: 'user_api' });
    } else if (n % 2 === 0) {
      add('DeliveryFinished', COURIER, 'initiator:app', {
        deliveryId: `delivery-${n}`,
        status: 'finished',
        deliveredAt: new Date(clock).toISOString(),
        initiator: 'app',
      });
    }
  }
  return events;
}

/** Writes events into a read-model schema's journal as the projector's consumer would have (offsets in order). */
export async function insertJournal(pool: Pool, schema: string, events: SeededEvent[]): Promise<void> {
  await pool.query(
    `INSERT INTO "${schema}".events (event_id, topic, kafka_partition, kafka_offset, type, schema_version, order_id, tenant_id, occurred_at,
       correlation_id, source, actor, payload)
     SELECT e.event_id, e.topic, 0, e.n, e.type, 1, e.order_id, e.tenant_id, e.occurred_at, e.order_id, e.source, e.actor, e.payload
       FROM json_to_recordset($1::json) AS e(event_id text, topic text, type text, order_id text, tenant_id text,
         occurred_at timestamptz, source text, actor text, payload jsonb, n bigint)`,
    [
      JSON.stringify(
        events.map((e, n) => ({
          n,
          event_id: e.eventId,
          topic: e.topic,
          type: e.type,
          order_id: e.orderId,
          tenant_id: e.tenantId,
          occurred_at: e.occurredAt,
          source: e.source,
          actor: e.actor,
          payload: e.payload,
        })),
      ),
    ],
  );
}

export interface SeededReadModels {
  url: string;
  schema: string;
  events: SeededEvent[];
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh read-model schema (migrated by the projector's own entry) with `history(orders)` in its journal. */
export async function seedReadModels(orders: number): Promise<SeededReadModels> {
  await ensureTestDatabase();
  const url = testDatabaseUrl();
  const schema = `ops_read_models_${randomBytes(4).toString('hex')}`;
  await runProjectorOperation('migrate', { connection: url, schema }, {});
  const pool = new Pool({ connectionString: url, max: 2 });
  const events = history(orders);
  await insertJournal(pool, schema, events);
  return {
    url,
    schema,
    events,
    pool,
    async drop() {
      await pool.end();
      await dropSchema(url, schema);
    },
  };
}
