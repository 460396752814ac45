// Intake boots while Kafka is down: HTTP answers, /health says 503 with Kafka down, and the messaging lifecycle
// keeps trying in the background; once the broker answers it connects and consumes. "Down" is a closed local port;
// "comes up" is a TCP proxy opened on that port to the shared broker (never stopped).
import { randomUUID } from 'node:crypto';
import { TOPIC } from '@orders/contracts';
import { MessagingTransport } from '@orders/messaging/nest';
import { BrokerProxy, unusedPort } from '@orders/messaging/testing';
import { Kafka, logLevel } from 'kafkajs';
import { externalOrderId } from '../src/external-orders/order-identity';
import { eventually, startIntake, submission, type IntakeTestApp } from './intake-app';

jest.setTimeout(90_000);

const broker = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',')[0];
describe('intake with Kafka down at boot', () => {
  let intake: IntakeTestApp | undefined;
  const proxy = new BrokerProxy();

  afterAll(async () => {
    await intake?.close();
    await proxy.close();
  });

  it('boots, answers /health 503 without crashing, then connects and consumes when the broker answers', async () => {
    const port = await unusedPort();
    intake = await startIntake({ INTAKE_LICENSES: 'company-a', KAFKA_BROKERS: `127.0.0.1:${port}` });
    const transport = intake.app.get(MessagingTransport);
    const health = await intake.http().get('/health').expect(503);
    expect(health.body).toMatchObject({ details: { database: { status: 'up' }, kafka: { status: 'down' } } });
    await intake.http().get('/health/live').expect(200);
    const keyA = { 'Api-Key': intake.keys.companyA };
    await intake.http().post('/api/v1/companies/company-a/external-orders').set(keyA).send(submission()).expect(201);
    expect(transport.running).toBe(false);

    await proxy.open(port, broker);
    await transport.ready();
    await eventually(async () => (await intake?.http().get('/health'))?.status, (status) => status === 200);

    const producer = new Kafka({ clientId: 'intake-kafka-down-spec', brokers: [broker], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const order = { tenantId: 'company-a', ...submission() };
    const eventId = randomUUID();
    try {
      await producer.send({
        topic: `${intake.topicPrefix}${TOPIC.externalOrders}`, acks: -1,
        messages: [{ key: order.externalId, value: JSON.stringify(order), headers: {
          'event-id': eventId, 'event-type': 'ExternalOrderSubmitted', 'schema-version': '1', 'occurred-at': new Date().toISOString(),
        } }],
      });
    } finally {
      await producer.disconnect();
    }
    const orderId = externalOrderId('company-a', order.source, order.externalId);
    await eventually(async () => (await intake?.http().get(`/api/v1/companies/company-a/external-orders/${orderId}`).set(keyA))?.status, (s) => s === 200);
  });
});
