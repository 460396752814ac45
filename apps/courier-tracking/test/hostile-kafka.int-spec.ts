import { courierPositionsReportedV1, externalOrderAcceptedV1, marketplaceOrderCancelledV1 } from '@orders/contracts';
import { TOPIC } from '@orders/contracts';
import { deleteTopicsWithPrefix, expectHostileTopicHandled, templateOf } from '@orders/messaging/testing';
import type { ValidTemplate } from '@orders/messaging/testing';
import { VisitDetector } from '../src/positions/visit-detector';
import { useCourierTracking } from './courier-app';

// Real broker and PostgreSQL; every wait is on a condition. About 20 s on a busy 2-core machine.
jest.setTimeout(60_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const HOSTILE_PER_TOPIC = 110;
const company = '/api/v1/companies/company-a';
const ROUTE = 'r-hostile';
const COURIER = 'k-hostile';

interface InboundTopic {
  readonly name: string;
  readonly template: ValidTemplate;
  /** The consumer group reading it: the policy consumer (inbox) or the positions stream consumer. */
  readonly group: 'policies' | 'positions';
}

const topics: InboundTopic[] = [
  {
    name: TOPIC.orderEvents,
    group: 'policies',
    template: templateOf(
      externalOrderAcceptedV1,
      { tenantId: 'company-a' },
      { orderId: ['', 'o'.repeat(129), 'order-1'], tenantId: [''] },
    ),
  },
  {
    name: TOPIC.cancellationEvents,
    group: 'policies',
    template: templateOf(
      marketplaceOrderCancelledV1,
      {},
      { marketOrderId: [1e21, 0, 2 ** 53], campaignId: [0, -7, 1e21], orderId: [''] },
    ),
  },
  {
    name: TOPIC.courierPositions,
    group: 'positions',
    template: templateOf(
      courierPositionsReportedV1,
      { tenantId: 'company-a', courierId: COURIER, routeId: ROUTE },
      {
        routeId: ['', 'r'.repeat(129)],
        courierId: [''],
        tenantId: ['t'.repeat(129)],
      },
    ),
  },
];

describe('courier-tracking on Kafka: hostile input never holds a partition', () => {
  const courier = useCourierTracking({ kafka: true });
  const keyA = () => ({ 'Api-Key': courier.keys.companyA });

  beforeAll(async () => {
    // the valid positions message needs a route its courier drives
    await courier
      .http()
      .put(`${company}/routes/${ROUTE}`)
      .set(keyA())
      .send({ courier_id: COURIER, date: '2026-03-02' })
      .expect(200);
  });

  // after the app's own afterAll (declared first, so it runs first): its consumers are gone by then
  afterAll(async () => deleteTopicsWithPrefix(brokers, courier.topicPrefix));

  const inboxHas = async (eventId: string) =>
    ((await courier.pool.query('SELECT 1 FROM messaging.inbox WHERE message_id = $1', [eventId])).rowCount ?? 0) > 0;
  // The positions consumer keeps no inbox: a valid batch shows by reaching the visit detector (observed, not replaced).
  const offered = jest.spyOn(VisitDetector.prototype, 'offer');
  afterAll(() => offered.mockRestore());
  const positionsHandled = async () => offered.mock.calls.some(([courierId]) => courierId === COURIER);

  it.each(topics)(
    '$name: every generated hostile message is dead-lettered with its reason, then a valid one is applied',
    async ({ name, template, group }) => {
      const groups = {
        policies: `${courier.topicPrefix}courier-tracking`,
        positions: `${courier.topicPrefix}courier-tracking-positions`,
      };
      await expectHostileTopicHandled({
        brokers,
        topic: `${courier.topicPrefix}${name}`,
        groupId: groups[group],
        template,
        count: HOSTILE_PER_TOPIC,
        seed: 2400 + name.length,
        applied: group === 'positions' ? positionsHandled : inboxHas,
      });
    },
  );

  it('serves the messaging series on its own /metrics', async () => {
    const text = (await courier.http().get('/metrics').expect(200)).text;
    expect(text).toMatch(/^messaging_dead_lettered_total\{.*classification="malformed".*\} \d+/m);
    expect(text).toMatch(
      /^messaging_parked_total\{.*topic="[^"]*courier\.positions\.v1".*reason="unknown-version".*\} \d+/m,
    );
    expect(text).toMatch(/^messaging_consumer_lag\{/m);
  });
});
