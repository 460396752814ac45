import { randomBytes, randomUUID } from 'node:crypto';
import {
  deliveryFinishedV1,
  marketOrderCancellationRequestedV1,
  marketOrderIntakeId,
  marketOrderStatusUpdatedV1,
} from '@orders/contracts';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { MessagingTransport } from '@orders/messaging/nest';
import { MarketplaceTopics } from '../src/publishing/marketplace-topics';
import { createStack, eventually, one, type Instance, type Stack } from './harness';
import { decisionPath } from './market-fixtures';

// Consumer groups take seconds to join on a busy broker; every wait below is on a condition.
jest.setTimeout(90_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

describe('marketplace cancellations on Kafka (real broker and PostgreSQL)', () => {
  const run = randomBytes(4).toString('hex');
  const prefix = `spec-${run}.`;
  const topics = new MarketplaceTopics(prefix);
  const kafka = new Kafka({ clientId: `marketplace-spec-${run}`, brokers, logLevel: logLevel.NOTHING });
  let stack: Stack;
  let api: Instance;
  let producer: Producer;
  let consumer: Consumer;
  const published: { key: string; type: string; value: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    stack = await createStack({
      kafka: true,
      workers: true,
      topicPrefix: prefix,
    });
    api = await stack.start();
    await api.app.get(MessagingTransport).ready();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `reader-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.cancellationEvents, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        published.push({
          key: String(message.key),
          type: String(message.headers?.['event-type']),
          value: JSON.parse(String(message.value)),
        });
      },
    });
  }, 90_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await stack?.drop();
  });

  const send = (topic: string, type: string, key: string, value: unknown, eventId = randomUUID()) =>
    producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key,
          value: JSON.stringify(value),
          headers: {
            'event-id': eventId,
            'event-type': type,
            'schema-version': '1',
            'occurred-at': '2026-03-01T10:00:00Z',
          },
        },
      ],
    });

  /** The platform order id of Market order <orderId> of campaign 21: what its delivery and its public events carry. */
  const platformId = (orderId: number): string => marketOrderIntakeId(21, orderId);
  const requestOf = (orderId: number, requestedAt = '2026-03-01T10:00:00Z') => ({
    ...marketOrderCancellationRequestedV1.example,
    campaignId: 21,
    orderId,
    requestedAt,
    status: 'DELIVERY',
    paymentType: 'PREPAID',
  });
  const deliveryOf = (orderId: number, tenantId = '21') => ({
    ...deliveryFinishedV1.example,
    orderId: platformId(orderId),
    tenantId,
  });

  const eventTypes = async (orderId: number): Promise<string[]> =>
    (
      await stack.pool.query(`SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`, [
        `marketplace_order-21-${orderId}`,
      ])
    ).rows.map((r) => r.type);

  it('handles relayed Market notifications like POST /notification, once each, and publishes the public events', async () => {
    const statusId = randomUUID();
    const status = {
      ...marketOrderStatusUpdatedV1.example,
      campaignId: 21,
      orderId: 3001,
      status: 'DELIVERY',
      updatedAt: '2026-03-01T09:00:00Z',
    };
    await send(topics.notifications, 'MarketOrderStatusUpdated', '3001', status, statusId);
    await send(topics.notifications, 'MarketOrderStatusUpdated', '3001', status, statusId); // redelivered: same event id
    await send(topics.notifications, 'MarketOrderStatusUpdated', '3001', {
      ...status,
      status: 'PROCESSING',
      updatedAt: '2026-03-01T08:00:00Z',
    }); // stale
    await send(topics.notifications, 'MarketOrderCancellationRequested', '3001', {
      ...marketOrderCancellationRequestedV1.example,
      campaignId: 21,
      orderId: 3001,
      requestedAt: '2026-03-01T10:00:00Z',
      status: 'DELIVERY',
      paymentType: 'PREPAID',
    });
    await eventually(
      async () => (await eventTypes(3001)).includes('CancellationRequested') || undefined,
      'the request from Kafka',
    );
    expect(await eventTypes(3001)).toEqual(['MarketplaceOrderSynced', 'CancellationRequested']);
    expect(
      await one(
        stack.pool,
        `SELECT count(*)::int AS n FROM market_notifications WHERE order_id = '3001' AND channel = 'KAFKA'`,
      ),
    ).toEqual({ n: 3 });

    const out = await eventually(async () => {
      const mine = published.filter((m) => m.key === platformId(3001));
      return mine.length >= 2 && mine;
    }, 'the public events on marketplace.cancellation-events.v1');
    expect(out.map((m) => m.type)).toEqual(['MarketplaceOrderStatusChanged', 'CancellationRequested']);
    expect(out[1].value).toMatchObject({
      orderId: platformId(3001),
      tenantId: '21',
      campaignId: 21,
      marketOrderId: 3001,
      deadlineAt: '2026-03-03T10:00:00.000Z',
    });
  });

  it('rejects a pending request with ORDER_DELIVERED when the courier delivery finishes, and publishes the rejection', async () => {
    await send(topics.notifications, 'MarketOrderCancellationRequested', '3002', requestOf(3002));
    await eventually(
      async () => (await eventTypes(3002)).includes('CancellationRequested') || undefined,
      'the request',
    );
    const eventId = randomUUID();
    await send(topics.deliveryEvents, 'DeliveryFinished', platformId(3002), deliveryOf(3002), eventId);
    await send(topics.deliveryEvents, 'DeliveryFinished', platformId(3002), deliveryOf(3002), eventId);
    // A delivery of an order that is not Market's, and one of another campaign's order: nothing to do.
    await send(topics.deliveryEvents, 'DeliveryFinished', 'other', { ...deliveryFinishedV1.example });
    await send(topics.deliveryEvents, 'DeliveryFinished', platformId(3002), deliveryOf(3002, '22'));
    await eventually(
      async () => (await eventTypes(3002)).includes('CancellationRejected') || undefined,
      'the policy to reject',
    );
    expect(await eventTypes(3002)).toEqual(['CancellationRequested', 'OrderDeliveryFinished', 'CancellationRejected']);
    const rejected = await one<{ data: Record<string, unknown> }>(
      stack.pool,
      `SELECT data FROM event_store.events WHERE stream_id = 'marketplace_order-21-3002' AND type = 'CancellationRejected'`,
    );
    expect(rejected?.data).toMatchObject({ reason: 'ORDER_DELIVERED', decidedBy: 'policy:delivery-finished' });
    const out = await eventually(
      async () => published.find((m) => m.key === platformId(3002) && m.type === 'CancellationRejected'),
      'the published rejection',
    );
    expect(out.value).toMatchObject({
      orderId: platformId(3002),
      campaignId: 21,
      marketOrderId: 3002,
      reason: 'ORDER_DELIVERED',
      decidedBy: 'policy:delivery-finished',
    });
  });

  it('rejects at once a request that comes after the delivery finished (known order, and an order Market had not told us of)', async () => {
    // 3005 is known (in DELIVERY) when its delivery finishes; 3006 is not: its delivery is parked on its platform id.
    await send(topics.notifications, 'MarketOrderStatusUpdated', '3005', {
      ...marketOrderStatusUpdatedV1.example,
      campaignId: 21,
      orderId: 3005,
      status: 'DELIVERY',
      paymentType: 'PREPAID',
      updatedAt: '2026-03-01T09:00:00Z',
    });
    await eventually(
      async () => (await eventTypes(3005)).includes('MarketplaceOrderSynced') || undefined,
      'the order known',
    );
    await send(topics.deliveryEvents, 'DeliveryFinished', platformId(3005), deliveryOf(3005));
    await send(topics.deliveryEvents, 'DeliveryFinished', platformId(3006), deliveryOf(3006));
    await eventually(
      async () => (await eventTypes(3005)).includes('OrderDeliveryFinished') || undefined,
      'the delivery as a fact',
    );
    await eventually(
      async () =>
        (
          await one<{ n: number }>(
            stack.pool,
            `SELECT count(*)::int AS n FROM market_order_ids WHERE platform_order_id = $1 AND parked_delivery IS NOT NULL AND parked_at IS NOT NULL`,
            [platformId(3006)],
          )
        )?.n || undefined,
      'the parked delivery, dated for the pruner',
    );
    expect(await eventTypes(3006)).toEqual([]);

    await send(
      topics.notifications,
      'MarketOrderCancellationRequested',
      '3005',
      requestOf(3005, '2026-03-01T12:00:00Z'),
    );
    await send(
      topics.notifications,
      'MarketOrderCancellationRequested',
      '3006',
      requestOf(3006, '2026-03-01T12:00:00Z'),
    );
    await eventually(
      async () => (await eventTypes(3006)).includes('CancellationRejected') || undefined,
      'the parked delivery applied',
    );
    await eventually(
      async () => (await eventTypes(3005)).includes('CancellationRejected') || undefined,
      'the request rejected',
    );
    expect(await eventTypes(3005)).toEqual([
      'MarketplaceOrderSynced',
      'OrderDeliveryFinished',
      'CancellationRequested',
      'CancellationRejected',
    ]);
    expect(await eventTypes(3006)).toEqual(['OrderDeliveryFinished', 'CancellationRequested', 'CancellationRejected']);
    expect(
      await one(stack.pool, `SELECT parked_delivery FROM market_order_ids WHERE platform_order_id = $1`, [
        platformId(3006),
      ]),
    ).toEqual({ parked_delivery: null });
    const out = await eventually(async () => {
      const mine = published.filter((m) => m.key === platformId(3006));
      return mine.length >= 2 && mine;
    }, 'the rejection published');
    expect(out.map((m) => [m.type, m.value.reason])).toEqual([
      ['CancellationRequested', undefined],
      ['CancellationRejected', 'ORDER_DELIVERED'],
    ]);
  });

  it('publishes an HTTP decision: the request relayed from Kafka, accepted over HTTP, cancelled on the topic', async () => {
    await send(topics.notifications, 'MarketOrderCancellationRequested', '3004', {
      ...marketOrderCancellationRequestedV1.example,
      campaignId: 21,
      orderId: 3004,
      requestedAt: '2026-03-01T10:00:00Z',
      status: 'PICKUP',
      paymentType: 'PREPAID',
    });
    await eventually(
      async () => (await eventTypes(3004)).includes('CancellationRequested') || undefined,
      'the request',
    );
    stack.clock.set('2026-03-02T10:00:00.000Z');
    await api
      .http()
      .put(decisionPath(3004))
      .set('Api-Key', stack.keys.c21)
      .send({ accepted: true })
      .expect(200, { status: 'OK' });
    const out = await eventually(async () => {
      const mine = published.filter((m) => m.key === platformId(3004));
      return mine.length >= 3 && mine;
    }, 'the decision on marketplace.cancellation-events.v1');
    expect(out.map((m) => m.type)).toEqual([
      'CancellationRequested',
      'CancellationAccepted',
      'MarketplaceOrderCancelled',
    ]);
    expect(out[1].value).toMatchObject({ decidedBy: 'shop21', decidedAt: '2026-03-02T10:00:00.000Z' });
    expect(out[2].value).toMatchObject({ cause: 'REQUEST_ACCEPTED', cancelledAt: '2026-03-02T10:00:00.000Z' });
  });
});
