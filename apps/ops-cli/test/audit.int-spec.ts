import { randomBytes, randomUUID } from 'node:crypto';
import { marketOrderIntakeId } from '@orders/contracts';
import { EventStore, type EventInput } from '@orders/event-store';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { Pool } from 'pg';
import { runCli } from '../src/cli';
import { EXIT } from '../src/exit-codes';
import { runProjectorOperation } from '../src/projector-operations';
import { capture } from './capture';
import { createStoreDatabase, dropDatabases } from './databases';
import { insertJournal, type SeededEvent } from './read-model-seed';

jest.setTimeout(120_000);

// One Market order across the three services, as the stores record it: the dispatch was done by a person (`ceo`),
// the delivery cancelled by a policy; PosOrderCreated, DeliveryPaid and DeliveryActualTimeSet never leave their
// service. The projector's journal, as its consumer filled it, names the actors the public payloads imply.
describe('ops audit reads the recorded actor and causation from the event stores', () => {
  const id = randomBytes(4).toString('hex');
  const names = {
    intake: `ops_audit_${id}_intake`,
    courier: `ops_audit_${id}_courier`,
    market: `ops_audit_${id}_market`,
  };
  const orderId = marketOrderIntakeId(7, 4242);
  const schema = `ops_audit_rm_${id}`;
  const env: Record<string, string> = {};
  const ids = {
    received: randomUUID(),
    accepted: randomUUID(),
    dispatched: randomUUID(),
    pos: randomUUID(),
    created: randomUUID(),
    paid: randomUUID(),
    actual: randomUUID(),
    requested: randomUUID(),
    cancelAccepted: randomUUID(),
    marketCancelled: randomUUID(),
    deliveryCancelled: randomUUID(),
  };
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString();
  const event = (eventId: string, type: string, minute: number, actor: string, causationId?: string): EventInput => ({
    eventId,
    type,
    data: { orderId },
    occurredAt: at(minute),
    metadata: { actor, correlationId: ids.received, ...(causationId ? { causationId } : {}) },
  });

  const run = async (args: string[]) => {
    const io = capture();
    const code = await runCli([...args, '--database-url', testDatabaseUrl(), '--schema', schema], io, env);
    return { code, io, text: () => io.stdout.join('\n'), json: () => JSON.parse(io.stdout.join('\n')) };
  };

  beforeAll(async () => {
    await ensureTestDatabase();
    env.INTAKE_DATABASE_URL = await createStoreDatabase(names.intake);
    env.COURIER_DATABASE_URL = await createStoreDatabase(names.courier);
    env.MARKETPLACE_DATABASE_URL = await createStoreDatabase(names.market);
    const append = async (url: string, stream: string, events: EventInput[]) => {
      const store = new EventStore({
        connection: { connectionString: url, max: 2 },
        notifications: { listen: false, publish: false },
      });
      try {
        await store.append(stream, 'no_stream', events);
      } finally {
        await store.close();
      }
    };
    await append(env.INTAKE_DATABASE_URL, `external_order-${orderId}`, [
      event(ids.received, 'ExternalOrderReceived', 1, 'api-key:market'),
      event(ids.accepted, 'ExternalOrderAccepted', 2, 'operator-1'),
      event(ids.pos, 'PosOrderCreated', 3, 'policy:ExternalOrderAccepted', ids.accepted),
      event(ids.dispatched, 'ExternalOrderDispatched', 5, 'ceo'),
    ]);
    await append(env.MARKETPLACE_DATABASE_URL, 'marketplace_order-7-4242', [
      event(ids.requested, 'CancellationRequested', 6, 'market'),
      event(ids.cancelAccepted, 'CancellationAccepted', 7, 'operator-9'),
      event(ids.marketCancelled, 'MarketplaceOrderCancelled', 7, 'policy:CancellationAccepted', ids.cancelAccepted),
    ]);
    // The delivery's cancellation carries an earlier business time than the cancellation that caused it.
    await append(env.COURIER_DATABASE_URL, `delivery-${orderId}`, [
      event(ids.created, 'DeliveryCreated', 3, 'policy:ExternalOrderAccepted', ids.accepted),
      event(ids.paid, 'DeliveryPaid', 4, 'courier-app'),
      event(ids.actual, 'DeliveryActualTimeSet', 4, 'courier-app'),
      event(ids.deliveryCancelled, 'DeliveryStatusChanged', 6, 'policy:MarketplaceOrderCancelled', ids.marketCancelled),
    ]);
    await runProjectorOperation('migrate', { connection: testDatabaseUrl(), schema }, {});
    const journal: SeededEvent[] = [
      [
        'ExternalOrderReceived',
        ids.received,
        'intake.order-events.v1',
        'intake',
        'system',
        1,
        { source: 'market', externalId: '4242', amountMinor: 700, currency: 'RUB' },
      ],
      [
        'ExternalOrderAccepted',
        ids.accepted,
        'intake.order-events.v1',
        'intake',
        'operator-1',
        2,
        { acceptedBy: 'operator-1' },
      ],
      [
        'DeliveryCreated',
        ids.created,
        'courier.delivery-events.v1',
        'courier-tracking',
        'system',
        3,
        { deliveryId: orderId },
      ],
      [
        'CancellationRequested',
        ids.requested,
        'marketplace.cancellation-events.v1',
        'marketplace-cancellations',
        'system',
        6,
        { campaignId: 7, marketOrderId: 4242, requestId: 'r-1', deadlineAt: at(50), orderStatusAtRequest: 'DELIVERY' },
      ],
      [
        'CancellationAccepted',
        ids.cancelAccepted,
        'marketplace.cancellation-events.v1',
        'marketplace-cancellations',
        'operator-9',
        7,
        { campaignId: 7, marketOrderId: 4242, requestId: 'r-1', decidedBy: 'operator-9' },
      ],
      [
        'DeliveryCancelled',
        ids.deliveryCancelled,
        'courier.delivery-events.v1',
        'courier-tracking',
        'initiator:user_api',
        8,
        { deliveryId: orderId, initiator: 'user_api' },
      ],
    ].map(
      ([type, eventId, topic, source, actor, minute, payload]) =>
        ({
          type,
          eventId,
          topic,
          source,
          actor,
          orderId,
          tenantId: '7',
          occurredAt: at(minute as number),
          payload: { orderId, tenantId: '7', ...(payload as object) },
        }) as SeededEvent,
    );
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
    await insertJournal(pool, schema, journal).finally(() => pool.end());
  });

  afterAll(async () => {
    await dropDatabases(Object.values(names));
    await dropSchema(testDatabaseUrl(), schema);
  });

  it('names the actor the store recorded, includes internal events, and shows causation', async () => {
    const result = await run(['audit', orderId]);
    expect(result.code).toBe(EXIT.ok);
    const text = result.text();
    expect(text).toMatch(/intake\s+ExternalOrderDispatched\s+ceo\s/);
    expect(text).toMatch(
      /courier-tracking\s+DeliveryStatusChanged\s+policy:MarketplaceOrderCancelled\s+MarketplaceOrderCancelled [0-9a-f]{8}/,
    );
    for (const internal of ['PosOrderCreated', 'DeliveryPaid', 'DeliveryActualTimeSet'])
      expect(text).toContain(internal);
    expect(text).toMatch(/caused by/);
    expect(text).toMatch(/marketplace\s+DELIVERY, cancellation ACCEPTED/);
  });

  it('orders the timeline causally and carries causation and correlation in JSON', async () => {
    const { timeline, stores } = (await run(['audit', orderId, '--json'])).json() as {
      timeline: Array<{
        eventId: string;
        type: string;
        actor: string;
        source: string;
        causationId: string | null;
        correlationId: string;
        causedBy: string | null;
      }>;
      stores: Array<{ service: string; streams: string[] }>;
    };
    expect(timeline).toHaveLength(11);
    const position = (eventId: string) => timeline.findIndex((e) => e.eventId === eventId);
    expect(position(ids.deliveryCancelled)).toBeGreaterThan(position(ids.marketCancelled));
    expect(timeline[position(ids.deliveryCancelled)]).toMatchObject({
      source: 'courier-tracking',
      actor: 'policy:MarketplaceOrderCancelled',
      causationId: ids.marketCancelled,
      causedBy: 'MarketplaceOrderCancelled',
      correlationId: ids.received,
    });
    expect(stores).toEqual(
      expect.arrayContaining([{ service: 'marketplace-cancellations', streams: ['marketplace_order-7-4242'] }]),
    );
  });

  it('--as-of keeps what had occurred by then; an unknown order exits 1; a bad time is wrong usage', async () => {
    const asOf = (await run(['audit', orderId, '--as-of', at(4), '--json'])).json() as {
      timeline: Array<{ type: string }>;
    };
    expect(asOf.timeline.map((e) => e.type)).toEqual([
      'ExternalOrderReceived',
      'ExternalOrderAccepted',
      'PosOrderCreated',
      'DeliveryCreated',
      'DeliveryPaid',
      'DeliveryActualTimeSet',
    ]);
    const none = await run(['audit', 'no-such-order']);
    expect(none.code).toBe(EXIT.problemFound);
    expect(none.io.stderr.join('\n')).toContain('no events of order no-such-order');
    expect((await run(['audit', orderId, '--as-of', 'noon'])).code).toBe(EXIT.usage);
  });
});
