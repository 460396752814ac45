import { randomUUID } from 'node:crypto';
import { TOPIC } from '@orders/contracts';
import { DeadLetters } from '@orders/messaging';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { MessagingTransport } from '@orders/messaging/nest';
import { captureLogs } from '@orders/service-kit/testing';
import { externalOrderId } from '../src/external-orders/order-identity';
import { eventually, startIntake, submission, type IntakeTestApp, type SubmissionBody } from './intake-app';

// Consumer groups take seconds to join on a busy broker; the waits inside are on conditions, not on time.
jest.setTimeout(60_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

describe('intake on Kafka: relay, inbound orders, marketplace cancellations', () => {
  let intake: IntakeTestApp;
  let producer: Producer;
  let deadLetters: DeadLetters;
  const kafka = new Kafka({ clientId: 'intake-kafka-spec', brokers, logLevel: logLevel.NOTHING });
  const topic = (name: string) => `${intake.topicPrefix}${name}`;
  const keyA = () => ({ 'Api-Key': intake.keys.companyA });
  const orderPath = (orderId: string) => `/api/v1/companies/company-a/external-orders/${orderId}`;

  beforeAll(async () => {
    intake = await startIntake({ INTAKE_LICENSES: 'company-a' });
    await intake.app.get(MessagingTransport).ready();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    deadLetters = new DeadLetters({ kafka: { brokers } });
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await deadLetters?.close();
    await intake?.close();
  });

  const headers = (type: string, eventId = randomUUID()) => ({
    'event-id': eventId,
    'event-type': type,
    'schema-version': '1',
    'occurred-at': new Date().toISOString(),
    'correlation-id': `corr-${eventId}`,
  });
  const upstreamOrder = (overrides: Record<string, unknown> = {}): SubmissionBody => ({
    tenantId: 'company-a',
    ...submission(overrides),
  });
  const send = (name: string, key: string, value: unknown, messageHeaders: Record<string, string>) =>
    producer.send({
      topic: topic(name),
      acks: -1,
      messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers: messageHeaders }],
    });
  const eventTypes = async (orderId: string): Promise<string[]> =>
    (
      await intake.pool.query('SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version', [
        `external_order-${orderId}`,
      ])
    ).rows.map((r) => r.type);
  const deadLettered = (match: (headers: Record<string, string>) => boolean) =>
    eventually(
      async () => (await deadLetters.list(topic(TOPIC.externalOrders))).filter((letter) => match(letter.headers)),
      (found) => found.length > 0,
    );

  it('publishes the public events of an order to intake.order-events.v1, keyed by order id, without personal data', async () => {
    const created = await intake
      .http()
      .post('/api/v1/companies/company-a/external-orders')
      .set(keyA())
      .send(submission())
      .expect(201);
    const { orderId } = created.body;
    await intake
      .http()
      .post(`${orderPath(orderId)}/accept`)
      .set(keyA())
      .send({})
      .expect(200);

    const consumer: Consumer = kafka.consumer({ groupId: `spec-${randomUUID()}` });
    const seen: { key: string; type: string; value: Record<string, unknown> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: topic(TOPIC.orderEvents), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: String(message.key),
          type: String(message.headers?.['event-type']),
          value: JSON.parse(String(message.value)),
        });
      },
    });
    try {
      await eventually(
        async () => seen.filter((m) => m.key === orderId).map((m) => m.type),
        (types) => types.length >= 2,
      );
      const mine = seen.filter((m) => m.key === orderId);
      expect(mine.map((m) => m.type)).toEqual(['ExternalOrderReceived', 'ExternalOrderAccepted']);
      expect(mine[1].value).toMatchObject({
        orderId,
        tenantId: 'company-a',
        posOrderRef: orderId,
        serviceType: 'courier',
        personalDataRef: orderId,
      });
      expect(JSON.stringify(mine)).not.toMatch(/Ivan|77776665544|Pushkin/);
    } finally {
      await consumer.disconnect();
    }
  });

  it('receives a valid upstream order, ignores its duplicates, and dead-letters another payload under the same id', async () => {
    const order = upstreamOrder();
    const orderId = externalOrderId('company-a', order.source, order.externalId);
    const first = headers('ExternalOrderSubmitted');
    await send(TOPIC.externalOrders, order.externalId, order, first);
    const view = await eventually(
      async () => intake.http().get(orderPath(orderId)).set(keyA()),
      (res) => res.status === 200,
    );
    expect(view.body).toMatchObject({
      status: 'AWAITING',
      customer: { name: 'Ivan Ivanovich Ivanov' },
      history: [{ actor: 'upstream:site' }],
    });

    // Redelivered as is (inbox) and re-sent under a new event id (same payload): still one order, one event.
    await send(TOPIC.externalOrders, order.externalId, order, first);
    await send(TOPIC.externalOrders, order.externalId, order, headers('ExternalOrderSubmitted'));
    const conflicting = headers('ExternalOrderSubmitted');
    const logs = captureLogs();
    try {
      await send(TOPIC.externalOrders, order.externalId, { ...order, amountMinor: 1 }, conflicting);
      const [letter] = await deadLettered((h) => h['event-id'] === conflicting['event-id']);
      expect(letter.error).toMatchObject({ code: 'DUPLICATE_EXTERNAL_ID', classification: 'non-retryable' });
      // The consumer's line names the message by its ids, which the handling's log scope binds to every line.
      const line = await eventually(
        async () =>
          logs.lines.find((l) => /dead-lettered/.test(String(l.msg)) && l.event_id === conflicting['event-id']),
        (found) => found !== undefined,
      );
      expect(line).toMatchObject({
        level: 40,
        correlation_id: conflicting['correlation-id'],
        event_type: 'ExternalOrderSubmitted',
        topic: topic(TOPIC.externalOrders),
      });
    } finally {
      logs.restore();
    }
    expect(await eventTypes(orderId)).toEqual(['ExternalOrderReceived']);
  });

  it('dead-letters malformed and invalid messages with the reason, and keeps consuming', async () => {
    const garbled = headers('ExternalOrderSubmitted');
    await send(TOPIC.externalOrders, 'x', '{"tenantId": ', garbled);
    const invalid = headers('ExternalOrderSubmitted');
    await send(
      TOPIC.externalOrders,
      'y',
      upstreamOrder({ externalId: 'y', customer: { name: 'Ivan' }, serviceType: 'drone' }),
      invalid,
    );
    const unlicensed = headers('ExternalOrderSubmitted');
    const other = upstreamOrder({ tenantId: 'company-z' });
    await send(TOPIC.externalOrders, other.externalId, other, unlicensed);
    const next = upstreamOrder();
    await send(TOPIC.externalOrders, next.externalId, next, headers('ExternalOrderSubmitted'));

    expect((await deadLettered((h) => h['event-id'] === garbled['event-id']))[0].error.classification).toBe(
      'malformed',
    );
    const [invalidLetter] = await deadLettered((h) => h['event-id'] === invalid['event-id']);
    expect(invalidLetter.error.classification).toBe('invalid');
    expect(invalidLetter.error.message).toMatch(/serviceType|customer/);
    expect((await deadLettered((h) => h['event-id'] === unlicensed['event-id']))[0].error.code).toBe(
      'LICENSE_REQUIRED',
    );
    const nextId = externalOrderId('company-a', 'site', next.externalId);
    await eventually(
      async () => (await intake.http().get(orderPath(nextId)).set(keyA())).status,
      (status) => status === 200,
    );
  });

  it("cancels the intake order when the marketplace accepted the buyer's cancellation, once", async () => {
    const order = upstreamOrder({ source: 'market', externalId: '987654321' });
    const { orderId } = (
      await intake
        .http()
        .post('/api/v1/companies/company-a/external-orders')
        .set(keyA())
        .send({ ...order, tenantId: undefined })
        .expect(201)
    ).body;
    await intake
      .http()
      .post(`${orderPath(orderId)}/accept`)
      .set(keyA())
      .send({})
      .expect(200);
    const accepted = {
      orderId: 'market-12345-987654321',
      tenantId: 'company-a',
      campaignId: 12345,
      marketOrderId: 987654321,
      requestId: 'request-1',
      decidedBy: 'operator-7',
      decidedAt: '2026-11-23T10:40:00Z',
    };
    const messageHeaders = headers('CancellationAccepted');
    await send(TOPIC.cancellationEvents, accepted.orderId, accepted, messageHeaders);
    await send(TOPIC.cancellationEvents, accepted.orderId, accepted, headers('CancellationAccepted'));
    const view = await eventually(
      async () => (await intake.http().get(orderPath(orderId)).set(keyA())).body,
      (body) => body.status === 'CANCELLED',
    );
    expect(view.cancellation).toEqual({
      cause: 'MARKETPLACE_CANCELLATION_ACCEPTED',
      cancellationRef: 'request-1',
      cancelledAt: expect.any(String),
    });
    // A later, unrelated message proves the duplicate was handled before it: still one cancellation.
    const probe = upstreamOrder();
    await send(TOPIC.externalOrders, probe.externalId, probe, headers('ExternalOrderSubmitted'));
    await eventually(
      async () =>
        (
          await intake
            .http()
            .get(orderPath(externalOrderId('company-a', 'site', probe.externalId)))
            .set(keyA())
        ).status,
      (s) => s === 200,
    );
    expect((await eventTypes(orderId)).filter((type) => type === 'ExternalOrderCancelled')).toHaveLength(1);
  });

  it('cancels an order the moment it arrives when the marketplace cancellation came first', async () => {
    const order = upstreamOrder({ source: 'market', externalId: '987654399' });
    const orderId = externalOrderId('company-a', 'market', order.externalId);
    const expired = {
      orderId: 'market-12345-987654399',
      tenantId: 'company-a',
      campaignId: 12345,
      marketOrderId: 987654399,
      requestId: 'request-early',
      deadlineAt: '2026-11-23T10:40:00Z',
      expiredAt: '2026-11-23T10:40:01Z',
    };
    await send(TOPIC.cancellationEvents, expired.orderId, expired, headers('CancellationExpired'));
    await eventually(
      () => eventTypes(orderId),
      (types) => types.includes('EarlyCancellationRecorded'),
    );
    // Nothing to see for an operator until the order itself is there.
    await intake.http().get(orderPath(orderId)).set(keyA()).expect(404);

    await send(TOPIC.externalOrders, order.externalId, order, headers('ExternalOrderSubmitted'));
    const view = await eventually(
      async () => (await intake.http().get(orderPath(orderId)).set(keyA())).body,
      (body) => body.status === 'CANCELLED',
    );
    expect(view.cancellation).toEqual({
      cause: 'MARKETPLACE_CANCELLATION_EXPIRED',
      cancellationRef: 'request-early',
      cancelledAt: expect.any(String),
    });
    expect(view.customer).not.toBeNull();
    expect(await eventTypes(orderId)).toEqual([
      'EarlyCancellationRecorded',
      'ExternalOrderReceived',
      'ExternalOrderCancelled',
    ]);
  });
});
