import { randomInt } from 'node:crypto';
import { externalOrderSubmittedV1, TOPIC } from '@orders/contracts';
import { eventually } from '@orders/service-kit/testing';
import { expectStatus, ServiceClient } from './support/http';
import { Upstream } from './support/kafka';
import { marketNotifications } from './support/market';
import { Stack } from './support/stack';
import { causalOrderViolations, type TimelineEntry } from './support/timeline';

/*
 * The cross-service policies of architecture.md, end to end, on the four real services run as processes (fresh
 * databases, topics and groups of this run only), driven only through HTTP and Kafka:
 *   intake ExternalOrderAccepted -> courier-tracking creates the delivery (same order id, same correlation id);
 *   delivery finished while a buyer's cancellation is pending -> the request is rejected with ORDER_DELIVERED;
 *   delivery finished before the buyer asked (before Market told us anything of the order) -> rejected at once;
 *   cancellation accepted, or expired -> the delivery is cancelled and the intake order is cancelled;
 *   the projector folds all of it under the one platform order id: combined state and a causal cross-service timeline.
 *
 * Market orders reach intake as orders of source `market` whose company is the campaign and whose external id is
 * Market's order id (intake's README); Market's own messages arrive as Market sends them, by POST /notification.
 * Every service publishes the order under intake's id (marketplace-cancellations too, with Market's ids beside it).
 */

const SERVICE_TIMEOUT_MS = 240_000;
const CHAIN_TIMEOUT_MS = 90_000;

interface Order {
  readonly label: string;
  readonly marketOrderId: number;
  /** intake's order id, which is also the delivery's. */
  orderId: string;
  readonly acceptCorrelation: string;
}

interface Audit {
  readonly timeline: (TimelineEntry & { payload: Record<string, unknown> })[];
  readonly state: {
    intake: { status: string } | null;
    delivery: { status: string } | null;
    marketplace: { status: string; cancellation: { status: string; rejectionReason: string | null } | null } | null;
  } | null;
  readonly status: string | null;
}

interface Decision {
  readonly orderId: number;
  readonly state: string;
  readonly reason?: string;
  readonly decidedBy?: string;
}

describe('the cross-service policy chain (intake, courier-tracking, marketplace-cancellations, projector as processes)', () => {
  const stack = new Stack();
  const intake = new ServiceClient(() => stack.url('intake'), stack.apiKey);
  const courier = new ServiceClient(() => stack.url('courier-tracking'), stack.apiKey);
  const marketplace = new ServiceClient(() => stack.url('marketplace-cancellations'), stack.apiKey);
  const projector = new ServiceClient(() => stack.url('projector'), stack.apiKey);
  const upstream = new Upstream(stack.brokers);
  const campaignId = randomInt(100_000, 1_000_000);
  const company = String(campaignId);
  const market = marketNotifications(campaignId);
  const newOrder = (label: string): Order => ({
    label,
    marketOrderId: randomInt(1_000_000, 1_000_000_000),
    orderId: '',
    acceptCorrelation: `e2e-${stack.suffix}-accept-${label}`,
  });
  /**
   * delivered: finished while its cancellation is pending; deliveredFirst: finished before the buyer asks;
   * accepted: the shop accepts; expired: nobody decides.
   */
  const delivered = newOrder('delivered');
  const deliveredFirst = newOrder('delivered-first');
  const accepted = newOrder('accepted');
  const expired = newOrder('expired');
  const orders = [delivered, deliveredFirst, accepted, expired];
  const viaKafka = [deliveredFirst, accepted, expired];

  const submission = (order: Order) => ({
    source: 'market',
    externalId: String(order.marketOrderId),
    submittedAt: new Date().toISOString(),
    customer: { name: 'Ivan Ivanov', phone: '+79990001122' },
    address: 'Tverskaya 1, apt 5',
    requestedTime: null,
    serviceType: 'courier' as const,
    items: [{ sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 }],
    amountMinor: 34800,
    currency: 'RUB',
  });
  const intakeOrder = (order: Order) =>
    intake.get<{ status: string }>(`/api/v1/companies/${company}/external-orders/${order.orderId}`);
  const delivery = (order: Order) =>
    courier.get<{ status: string }>(`/api/v1/companies/${company}/orders/${order.orderId}`);
  const decisions = async () =>
    expectStatus(
      await marketplace.get<{ decisions: Decision[] }>(
        `/v2/campaigns/${campaignId}/cancellations/decisions?pageSize=50`,
      ),
      200,
      'decisions',
    ).decisions;
  const decisionOf = async (order: Order) => (await decisions()).find((d) => d.orderId === order.marketOrderId);
  const audit = (orderId: string) => projector.get<Audit>(`/orders/${encodeURIComponent(orderId)}/audit`);
  const until = <T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean) =>
    eventually(probe, accept, CHAIN_TIMEOUT_MS, 250).catch((error: Error) => {
      throw new Error(`${what}: ${error.message}\n${stack.logs()}`);
    });

  beforeAll(async () => {
    await stack.start();
    await upstream.connect();
  }, SERVICE_TIMEOUT_MS);

  afterAll(async () => {
    await upstream.disconnect().catch(() => undefined);
    await stack.stop();
  }, 120_000);

  it(
    'accepted orders become deliveries with the same order id and correlation id',
    async () => {
      // One order by HTTP, the others the way upstream systems publish them (intake.external-orders.v1).
      const created = expectStatus(
        await intake.call<{ orderId: string; status: string }>(
          'POST',
          `/api/v1/companies/${company}/external-orders`,
          submission(delivered),
        ),
        201,
        'submit by HTTP',
      );
      expect(created.status).toBe('AWAITING');
      delivered.orderId = created.orderId;
      for (const order of viaKafka) {
        await upstream.publish(
          stack.prefix + TOPIC.externalOrders,
          externalOrderSubmittedV1,
          { tenantId: company, ...submission(order) },
          `e2e-${stack.suffix}-submit`,
        );
      }
      const board = await until(
        'the Kafka submissions on the board',
        () =>
          intake.get<{ items: { orderId: string; number: string; status: string }[] }>(
            `/api/v1/companies/${company}/external-orders?status=awaiting`,
          ),
        (answer) =>
          answer.status === 200 &&
          viaKafka.every((o) => answer.body.items.some((i) => i.number === String(o.marketOrderId))),
      );
      for (const order of viaKafka)
        order.orderId = found(
          board.body.items.find((i) => i.number === String(order.marketOrderId)),
          order.label,
        ).orderId;

      for (const order of orders) {
        const answer = await intake.call<{ status: string }>(
          'POST',
          `/api/v1/companies/${company}/external-orders/${order.orderId}/accept`,
          {},
          { 'X-Correlation-Id': order.acceptCorrelation },
        );
        expect(expectStatus(answer, 200, `accept ${order.label}`).status).toBe('CREATED');
      }

      for (const order of orders) {
        const created = await until(
          `the delivery of ${order.label}`,
          () => delivery(order),
          (answer) => answer.status === 200,
        );
        expect(created.body.status).toBe('new');
        // Same correlation id: the projector's journal holds both services' events of the order with their envelopes.
        const timeline = (
          await until(
            `${order.label} in the projector`,
            () => audit(order.orderId),
            (answer) => answer.status === 200 && answer.body.timeline.some((e) => e.type === 'DeliveryCreated'),
          )
        ).body.timeline;
        const acceptedEvent = found(
          timeline.find((e) => e.type === 'ExternalOrderAccepted'),
          'ExternalOrderAccepted',
        );
        const deliveryCreated = found(
          timeline.find((e) => e.type === 'DeliveryCreated'),
          'DeliveryCreated',
        );
        expect(acceptedEvent).toMatchObject({ source: 'intake', correlationId: order.acceptCorrelation });
        expect(deliveryCreated).toMatchObject({
          source: 'courier-tracking',
          correlationId: order.acceptCorrelation,
          causationId: acceptedEvent.eventId,
        });
        expect(deliveryCreated.payload).toMatchObject({ orderId: order.orderId, tenantId: company });
      }
    },
    CHAIN_TIMEOUT_MS * 4,
  );

  it(
    'a delivery finished while its cancellation is pending rejects the request with ORDER_DELIVERED',
    async () => {
      const requestedAt = new Date();
      for (const order of [delivered, accepted]) {
        await notify(market.inDelivery(order.marketOrderId, new Date(requestedAt.getTime() - 60_000).toISOString()));
        await notify(market.cancellationRequested(order.marketOrderId, requestedAt.toISOString()));
      }
      await until(
        'both requests in the queue',
        () =>
          marketplace.get<{ orders: { id: number }[] }>(
            `/v2/campaigns/${campaignId}/orders?onlyWaitingForCancellationApprove=true`,
          ),
        (answer) =>
          answer.status === 200 &&
          [delivered, accepted].every((o) => answer.body.orders.some((q) => q.id === o.marketOrderId)),
      );

      await finish(delivered);

      const decision = await until(
        'the rejection by the delivered-order policy',
        () => decisionOf(delivered),
        (d) => d?.state === 'REJECTED',
      );
      expect(decision).toMatchObject({
        state: 'REJECTED',
        reason: 'ORDER_DELIVERED',
        decidedBy: 'policy:delivery-finished',
      });
      // A rejection leaves everything else as it was: the delivery stays finished, the intake order is not cancelled.
      expect((await delivery(delivered)).body.status).toBe('finished');
      expect((await intakeOrder(delivered)).body.status).toBe('CREATED');
    },
    CHAIN_TIMEOUT_MS * 2,
  );

  it(
    'a delivery finished before the buyer asked (before Market told us of the order) rejects the later request at once',
    async () => {
      await finish(deliveredFirst);
      // The finish is published (the projector has it) before Market says anything of the order. Whether
      // marketplace-cancellations parks it or finds the order, the request must be rejected (the parked path on its own:
      // apps/marketplace-cancellations/test/kafka.int-spec.ts).
      await until(
        'the finish in the projector',
        () => audit(deliveredFirst.orderId),
        (answer) => answer.status === 200 && answer.body.timeline.some((e) => e.type === 'DeliveryFinished'),
      );
      const requestedAt = new Date();
      await notify(
        market.inDelivery(deliveredFirst.marketOrderId, new Date(requestedAt.getTime() - 60_000).toISOString()),
      );
      await notify(market.cancellationRequested(deliveredFirst.marketOrderId, requestedAt.toISOString()));
      const decision = await until(
        'the rejection of the late request',
        () => decisionOf(deliveredFirst),
        (d) => d !== undefined && d.state !== 'PENDING',
      );
      expect(decision).toMatchObject({
        state: 'REJECTED',
        reason: 'ORDER_DELIVERED',
        decidedBy: 'policy:delivery-finished',
      });
      expect((await intakeOrder(deliveredFirst)).body.status).toBe('CREATED');
    },
    CHAIN_TIMEOUT_MS * 2,
  );

  it(
    'a cancellation accepted by the shop, or left to expire, cancels the delivery and the intake order',
    async () => {
      expectStatus(
        await marketplace.call(
          'PUT',
          `/v2/campaigns/${campaignId}/orders/${accepted.marketOrderId}/cancellation/accept`,
          { accepted: true },
        ),
        200,
        'accept the cancellation',
      );
      // Requested 49 hours ago: its 48-hour deadline has passed, so the durable timer accepts it on its own.
      const longAgo = Date.now() - 49 * 3_600_000;
      await notify(market.inDelivery(expired.marketOrderId, new Date(longAgo - 60_000).toISOString()));
      await notify(market.cancellationRequested(expired.marketOrderId, new Date(longAgo).toISOString()));

      expect(
        await until(
          'the accepted decision',
          () => decisionOf(accepted),
          (d) => d?.state === 'ACCEPTED',
        ),
      ).toMatchObject({ state: 'ACCEPTED' });
      expect(
        await until(
          'the expiry',
          () => decisionOf(expired),
          (d) => d?.state === 'AUTO_ACCEPTED',
        ),
      ).toMatchObject({ state: 'AUTO_ACCEPTED' });
      for (const order of [accepted, expired]) {
        await until(
          `the delivery of ${order.label} cancelled`,
          () => delivery(order),
          (answer) => answer.body.status === 'cancelled',
        );
        await until(
          `the intake order ${order.label} cancelled`,
          () => intakeOrder(order),
          (answer) => answer.body.status === 'CANCELLED',
        );
      }
    },
    CHAIN_TIMEOUT_MS * 5,
  );

  it(
    "the projector keeps one summary and one causal timeline per Market order, with all three services' events",
    async () => {
      const expectations = [
        {
          order: delivered,
          status: 'DELIVERED',
          intake: 'CREATED',
          delivery: 'finished',
          cancellation: 'REJECTED',
          reason: 'ORDER_DELIVERED',
        },
        {
          order: deliveredFirst,
          status: 'DELIVERED',
          intake: 'CREATED',
          delivery: 'finished',
          cancellation: 'REJECTED',
          reason: 'ORDER_DELIVERED',
        },
        {
          order: accepted,
          status: 'CANCELLED',
          intake: 'CANCELLED',
          delivery: 'cancelled',
          cancellation: 'ACCEPTED',
          reason: null,
        },
        {
          order: expired,
          status: 'CANCELLED',
          intake: 'CANCELLED',
          delivery: 'cancelled',
          cancellation: 'EXPIRED',
          reason: null,
        },
      ];
      for (const expected of expectations) {
        const { order } = expected;
        const { body } = await until(
          `the projector's summary of ${order.label}`,
          () => audit(order.orderId),
          (answer) =>
            answer.status === 200 &&
            answer.body.state?.delivery?.status === expected.delivery &&
            answer.body.state?.intake?.status === expected.intake &&
            answer.body.state?.marketplace?.cancellation?.status === expected.cancellation,
        );
        expect(body.status).toBe(expected.status);
        expect(body.state?.marketplace?.cancellation?.rejectionReason).toBe(expected.reason);
        expect(new Set(body.timeline.map((e) => e.source))).toEqual(
          new Set(['intake', 'courier-tracking', 'marketplace-cancellations']),
        );
        expect(causalOrderViolations(body.timeline)).toEqual([]);
        // marketplace-cancellations names the order by its platform id, with Market's ids beside it.
        for (const entry of body.timeline.filter((e) => e.source === 'marketplace-cancellations')) {
          expect(entry.payload).toMatchObject({
            orderId: order.orderId,
            tenantId: company,
            campaignId,
            marketOrderId: order.marketOrderId,
          });
        }
        // No second summary under Market's ids.
        expect((await audit(`market-${campaignId}-${order.marketOrderId}`)).status).toBe(404);
      }
      // The rejection of a pending request was caused by the delivery's finish, across the services.
      const { timeline } = (await audit(delivered.orderId)).body;
      const finished = found(
        timeline.find((e) => e.type === 'DeliveryFinished'),
        'DeliveryFinished',
      );
      expect(
        found(
          timeline.find((e) => e.type === 'CancellationRejected'),
          'CancellationRejected',
        ).causationId,
      ).toBe(finished.eventId);
    },
    CHAIN_TIMEOUT_MS * 6,
  );

  function found<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`${what} not found`);
    return value;
  }

  async function finish(order: Order): Promise<void> {
    const finished = await courier.call<{ status: string }>(
      'PATCH',
      `/api/v1/companies/${company}/orders/${order.orderId}`,
      { status: 'finished', initiator: 'app' },
    );
    expect(expectStatus(finished, 200, `finish the delivery of ${order.label}`).status).toBe('finished');
  }

  async function notify(body: object): Promise<void> {
    expectStatus(await marketplace.call('POST', '/notification', body), 200, `notification ${JSON.stringify(body)}`);
  }
});
