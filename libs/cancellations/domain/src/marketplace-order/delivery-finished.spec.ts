import { DeciderSpecification } from '@orders/decider-kit';
import type { MarketplaceOrderCommand } from './marketplace-order.commands';
import { DELIVERED_ORDER_POLICY } from './marketplace-order.decide';
import { marketplaceOrderDecider } from './marketplace-order.decider';
import type { MarketplaceOrderEvent } from './marketplace-order.events';

// Policy P1 as a fact on the order's stream: whichever of the delivery and the buyer's request comes first, a
// delivered order's cancellation is rejected with ORDER_DELIVERED (S-YM, R-YM-3/R-YM-4).

const spec = DeciderSpecification.for(marketplaceOrderDecider);
const ref = { campaignId: '21', orderId: '9001' };
const t0 = '2026-03-01T10:00:00.000Z';
const deadline = '2026-03-03T10:00:00.000Z';
const finishedAt = '2026-03-01T11:00:00.000Z';
const now = '2026-03-01T11:00:02.000Z';

const inDelivery: MarketplaceOrderEvent = {
  type: 'MarketplaceOrderSynced',
  data: {
    ...ref,
    status: 'DELIVERY',
    marketStatus: 'DELIVERY',
    paymentType: 'PREPAID',
    updatedAt: '2026-03-01T09:00:00.000Z',
    source: 'NOTIFICATION',
  },
};
const requested = (requestedAt = t0, requestId = 'r1'): MarketplaceOrderEvent => ({
  type: 'CancellationRequested',
  data: {
    requestId,
    ...ref,
    requestedAt,
    deadlineAt: new Date(Date.parse(requestedAt) + 48 * 3_600_000).toISOString(),
    orderStatusAtRequest: 'DELIVERY',
    buyerSubstatus: 'USER_CHANGED_MIND',
  },
});
const delivered: MarketplaceOrderEvent = { type: 'OrderDeliveryFinished', data: { ...ref, finishedAt } };
const rejected = (decidedAt: string, requestId = 'r1'): MarketplaceOrderEvent => ({
  type: 'CancellationRejected',
  data: { requestId, reason: 'ORDER_DELIVERED', decidedBy: DELIVERED_ORDER_POLICY, decidedAt },
});

const deliveryFinished = (at = now): MarketplaceOrderCommand => ({
  type: 'RecordDeliveryFinished',
  data: { ...ref, finishedAt },
  metadata: { now: at, actor: DELIVERED_ORDER_POLICY },
});
const register = (
  requestedAt: string,
  at: string,
  extra: { paymentType?: 'PREPAID' | 'POSTPAID'; requestId?: string } = {},
): MarketplaceOrderCommand => ({
  type: 'RegisterBuyerCancellation',
  data: {
    ...ref,
    requestId: extra.requestId ?? 'r1',
    requestedAt,
    substatus: 'USER_CHANGED_MIND',
    paymentType: extra.paymentType,
  },
  metadata: { now: at, actor: 'market' },
});

describe('MarketplaceOrder: delivery finished while a request is pending', () => {
  it('records the delivery and rejects the request with ORDER_DELIVERED', () =>
    spec
      .given([inDelivery, requested()])
      .when(deliveryFinished())
      .then([delivered, rejected(now)]));

  it('leaves a request whose deadline passed to the timer (its auto-accept is what Market applies)', () =>
    spec.given([inDelivery, requested()]).when(deliveryFinished(deadline)).then([delivered]));

  it('is told once: a redelivered DeliveryFinished changes nothing', () =>
    spec
      .given([inDelivery, requested(), delivered, rejected(now)])
      .when(deliveryFinished())
      .thenNothing());

  it('keeps nothing for a cancelled order', () =>
    spec
      .given([
        inDelivery,
        requested(),
        { type: 'CancellationAccepted', data: { requestId: 'r1', decidedBy: 'shop', decidedAt: t0 } },
        { type: 'MarketplaceOrderCancelled', data: { ...ref, cause: 'REQUEST_ACCEPTED', cancelledAt: t0 } },
      ])
      .when(deliveryFinished())
      .thenNothing());
});

describe('MarketplaceOrder: delivery finished before the buyer asked', () => {
  it('records the delivery as a fact, also before Market told us anything about the order', () => {
    spec.given([inDelivery]).when(deliveryFinished()).then([delivered]);
    spec.given([]).when(deliveryFinished()).then([delivered]);
  });

  it('rejects a later request at once with ORDER_DELIVERED, still recording it (Market waits for our answer)', () => {
    const later = '2026-03-01T12:00:00.000Z';
    spec
      .given([inDelivery, delivered])
      .when(register(later, later))
      .then([requested(later), rejected(later)]);
    // The delivery was recorded before Market's first notification of the order was applied.
    spec
      .given([delivered])
      .when(register(later, later))
      .then([requested(later), rejected(later)]);
  });

  it('rejects a new request after an earlier one was rejected the same way', () => {
    const again = '2026-03-01T13:00:00.000Z';
    spec
      .given([inDelivery, requested(), delivered, rejected(now)])
      .when(register(again, again, { requestId: 'r2' }))
      .then([requested(again, 'r2'), rejected(again, 'r2')]);
  });

  it('leaves a postpaid order to Market, which cancels it without asking (R-YM-6)', () =>
    spec
      .given([inDelivery, delivered])
      .when(register(t0, now, { paymentType: 'POSTPAID' }))
      .then([
        {
          type: 'MarketplaceOrderCancelled',
          data: { ...ref, cause: 'POSTPAID_AUTO', substatus: 'USER_CHANGED_MIND', cancelledAt: t0 },
        },
      ]));

  it('answers a decision on the rejected request as before', () =>
    spec
      .given([inDelivery, delivered, requested(), rejected(now)])
      .when({ type: 'DecideCancellation', data: { ...ref, accepted: true }, metadata: { now, actor: 'shop' } })
      .thenThrows('ALREADY_DECIDED'));
});
