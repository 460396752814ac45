import { cancellationAcceptedV1, externalOrderSubmittedV1, TOPIC } from '@orders/contracts';
import { expectHostileTopicHandled, templateOf, type ValidTemplate } from '@orders/messaging/testing';
import { startIntake, type IntakeTestApp } from './intake-app';

// Real broker and PostgreSQL; every wait is on a condition. About 15 s on a busy 2-core machine.
jest.setTimeout(60_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const HOSTILE_PER_TOPIC = 110;

/** Each inbound topic of intake, with a valid message intake applies and the ids HTTP would refuse. */
const topics: Array<[string, ValidTemplate]> = [
  [
    TOPIC.externalOrders,
    templateOf(
      externalOrderSubmittedV1,
      { tenantId: 'company-a', externalId: 'hostile-valid-1' },
      {
        tenantId: ['a b', 'x'.repeat(129), 'company/a', ''],
        externalId: ['', 'x'.repeat(129)],
      },
    ),
  ],
  [
    TOPIC.cancellationEvents,
    templateOf(
      cancellationAcceptedV1,
      {},
      {
        marketOrderId: [1e21, 0, -1, 2 ** 53, 1.5],
        campaignId: [0, 1e21],
        orderId: ['', 'x'.repeat(129)],
      },
    ),
  ],
];

describe('intake on Kafka: hostile input never holds a partition', () => {
  let intake: IntakeTestApp;

  beforeAll(async () => {
    // the round waits until the consumer group was assigned its topic, whatever starts it
    intake = await startIntake({ INTAKE_LICENSES: 'company-a' });
  }, 60_000);

  afterAll(async () => {
    await intake?.close();
  });

  const inboxHas = async (eventId: string) =>
    ((await intake.pool.query('SELECT 1 FROM messaging.inbox WHERE message_id = $1', [eventId])).rowCount ?? 0) > 0;

  it.each(topics)(
    '%s: every generated hostile message is dead-lettered with its reason, then a valid one is applied',
    async (name, template) => {
      await expectHostileTopicHandled({
        brokers,
        topic: `${intake.topicPrefix}${name}`,
        groupId: `${intake.topicPrefix}intake`,
        template,
        count: HOSTILE_PER_TOPIC,
        seed: 1400 + name.length,
        applied: inboxHas,
      });
    },
  );

  it('serves the messaging series on its own /metrics', async () => {
    const text = (await intake.http().get('/metrics').expect(200)).text;
    expect(text).toMatch(/^messaging_dead_lettered_total\{.*classification="malformed".*\} \d+/m);
    expect(text).toMatch(/^messaging_parked_total\{.*reason="unknown-type".*\} \d+/m);
    expect(text).toMatch(/^messaging_parked_total\{.*reason="unknown-version".*\} \d+/m);
    expect(text).toMatch(/^messaging_consumer_lag\{/m);
  });
});
