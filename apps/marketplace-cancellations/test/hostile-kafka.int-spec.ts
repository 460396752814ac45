import { randomBytes } from 'node:crypto';
import { deliveryFinishedV1, marketOrderCancellationRequestedV1, marketOrderCreatedV1 } from '@orders/contracts';
import { marketOrderIntakeId, TOPIC } from '@orders/contracts';
import { deleteTopicsWithPrefix, expectHostileTopicHandled, templateOf } from '@orders/messaging/testing';
import type { ValidTemplate } from '@orders/messaging/testing';
import { createStack, type Instance, type Stack } from './harness';

// Real broker and PostgreSQL; every wait is on a condition. About 15 s on a busy 2-core machine.
jest.setTimeout(60_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const HOSTILE_PER_TOPIC = 110;
const MARKET_IDS = { orderId: [1e21, 0, -1, 2 ** 53, 1.5], campaignId: [0, 1e21, 2 ** 53] };

/** Both inbound topics; notifications twice, as two types of Market notification travel on it. */
const topics: Array<[string, ValidTemplate]> = [
  [TOPIC.marketplaceNotifications, templateOf(marketOrderCreatedV1, { campaignId: 21, orderId: 4001 }, MARKET_IDS)],
  [
    TOPIC.marketplaceNotifications,
    templateOf(marketOrderCancellationRequestedV1, { campaignId: 21, orderId: 4002 }, MARKET_IDS),
  ],
  [
    TOPIC.deliveryEvents,
    templateOf(
      deliveryFinishedV1,
      { orderId: marketOrderIntakeId(21, 4003), tenantId: '21' },
      { orderId: ['', 'o'.repeat(129)] },
    ),
  ],
];

describe('marketplace cancellations on Kafka: hostile input never holds a partition', () => {
  const prefix = `hostile-${randomBytes(4).toString('hex')}.`;
  let stack: Stack;
  let api: Instance;

  beforeAll(async () => {
    stack = await createStack({
      kafka: true,
      workers: true,
      topicPrefix: prefix,
    });
    api = await stack.start(); // the round waits until the consumer group was assigned its topic
  }, 60_000);

  afterAll(async () => {
    await stack?.drop();
    await deleteTopicsWithPrefix(brokers, prefix);
  });

  const inboxHas = async (eventId: string) =>
    ((await stack.pool.query('SELECT 1 FROM messaging.inbox WHERE message_id = $1', [eventId])).rowCount ?? 0) > 0;

  const rounds = topics.map(([name, template]) => [name, template.eventType, template] as const);

  it.each(rounds)(
    '%s (%s): every generated hostile message is dead-lettered with its reason, then a valid one is applied',
    async (name, _type, template) => {
      await expectHostileTopicHandled({
        brokers,
        topic: `${prefix}${name}`,
        groupId: stack.topics.consumerGroup,
        template,
        count: HOSTILE_PER_TOPIC,
        seed: 3400 + template.eventType.length,
        applied: inboxHas,
      });
    },
  );

  it('serves the messaging series on its own /metrics', async () => {
    const text = (await api.http().get('/metrics').expect(200)).text;
    expect(text).toMatch(/^messaging_dead_lettered_total\{.*classification="invalid".*\} \d+/m);
    expect(text).toMatch(/^messaging_parked_total\{.*reason="unknown-type".*\} \d+/m);
    expect(text).toMatch(/^messaging_consumer_lag\{/m);
  });
});
