import { DeciderSpecification } from '@orders/decider-kit';
import type { MarketplaceOrderCommand } from './marketplace-order.commands';
import { marketplaceOrderDecider } from './marketplace-order.decider';
import type { MarketplaceOrderEvent } from './marketplace-order.events';

const spec = DeciderSpecification.for(marketplaceOrderDecider);
const ref = { campaignId: '21', orderId: '9001' };
const t0 = '2026-03-01T10:00:00.000Z';
const deadline = '2026-03-03T10:00:00.000Z';
const meta = (now: string, actor = 'shop-api') => ({ now, actor });

const synced = (
  status: string,
  updatedAt: string,
  paymentType: 'PREPAID' | 'POSTPAID' = 'PREPAID',
): MarketplaceOrderEvent => ({
  type: 'MarketplaceOrderSynced',
  data: {
    ...ref,
    status: status as never,
    marketStatus: status,
    substatus: undefined,
    paymentType,
    updatedAt,
    source: 'NOTIFICATION',
  },
});
const requested: MarketplaceOrderEvent = {
  type: 'CancellationRequested',
  data: {
    requestId: 'r1',
    ...ref,
    requestedAt: t0,
    deadlineAt: deadline,
    orderStatusAtRequest: 'DELIVERY',
    buyerSubstatus: 'USER_CHANGED_MIND',
  },
};
const rejected: MarketplaceOrderEvent = {
  type: 'CancellationRejected',
  data: { requestId: 'r1', reason: 'ORDER_DELIVERED', decidedBy: 'shop-api', decidedAt: '2026-03-01T12:00:00.000Z' },
};
const inDelivery = synced('DELIVERY', '2026-03-01T09:00:00.000Z');
const pending = [inDelivery, requested];

const sync = (status: string, updatedAt: string, paymentType?: 'PREPAID' | 'POSTPAID'): MarketplaceOrderCommand => ({
  type: 'SyncMarketplaceStatus',
  data: { ...ref, status, updatedAt, paymentType, source: 'NOTIFICATION' },
  metadata: meta(updatedAt, 'market'),
});
const register = (
  requestedAt = t0,
  extra: { orderStatus?: string; paymentType?: 'PREPAID' | 'POSTPAID' } = {},
): MarketplaceOrderCommand => ({
  type: 'RegisterBuyerCancellation',
  data: { ...ref, requestId: 'r1', requestedAt, substatus: 'USER_CHANGED_MIND', ...extra },
  metadata: meta(requestedAt, 'market'),
});
const decideAt = (now: string, accepted: boolean, reason?: string): MarketplaceOrderCommand => ({
  type: 'DecideCancellation',
  data: { ...ref, accepted, reason },
  metadata: meta(now),
});
const expireAt = (now: string, requestId = 'r1'): MarketplaceOrderCommand => ({
  type: 'ExpireCancellationRequest',
  data: { ...ref, requestId },
  metadata: meta(now, 'timer'),
});
const cancelled = (cause: string, cancelledAt: string, substatus?: string): MarketplaceOrderEvent => ({
  type: 'MarketplaceOrderCancelled',
  data: { ...ref, cause: cause as never, substatus, cancelledAt },
});

describe('MarketplaceOrder: status sync', () => {
  it('records the first status Market reports', () =>
    spec
      .given([])
      .when(sync('PROCESSING', t0, 'PREPAID'))
      .then([synced('PROCESSING', t0)]));

  it('applies a later update and ignores an older or equal one', () => {
    spec
      .given([synced('PROCESSING', t0)])
      .when(sync('DELIVERY', '2026-03-01T10:00:01.000Z'))
      .then([
        {
          type: 'MarketplaceOrderSynced',
          data: {
            ...ref,
            status: 'DELIVERY',
            marketStatus: 'DELIVERY',
            updatedAt: '2026-03-01T10:00:01.000Z',
            source: 'NOTIFICATION',
            previousStatus: 'PROCESSING',
          },
        },
      ]);
    spec
      .given([synced('DELIVERY', t0)])
      .when(sync('PROCESSING', '2026-03-01T09:59:59.999Z'))
      .thenNothing();
    spec
      .given([synced('DELIVERY', t0)])
      .when(sync('DELIVERY', t0))
      .thenNothing();
  });

  it('compares event times as instants, whatever their offset', () =>
    spec
      .given([synced('DELIVERY', t0)])
      .when(sync('PROCESSING', '2026-03-01T12:30:00+03:00'))
      .thenNothing());

  it('keeps an unknown status as UNKNOWN with the raw value', () =>
    spec
      .given([synced('PROCESSING', t0)])
      .when(sync('TELEPORTED', deadline))
      .then([
        {
          type: 'MarketplaceOrderSynced',
          data: {
            ...ref,
            status: 'UNKNOWN',
            marketStatus: 'TELEPORTED',
            updatedAt: deadline,
            source: 'NOTIFICATION',
            previousStatus: 'PROCESSING',
          },
        },
      ]));

  it('reports a cancellation by Market once, closing a pending request', () => {
    const at = '2026-03-02T00:00:00.000Z';
    const cancelledByMarket = {
      type: 'MarketplaceOrderSynced',
      data: {
        ...ref,
        status: 'CANCELLED',
        marketStatus: 'CANCELLED',
        updatedAt: at,
        source: 'NOTIFICATION',
        previousStatus: 'DELIVERY',
      },
    } as const;
    spec
      .given(pending)
      .when(sync('CANCELLED', at))
      .then([cancelledByMarket, cancelled('MARKETPLACE', at)]);
    spec
      .given([...pending, cancelledByMarket, cancelled('MARKETPLACE', at)])
      .when(decideAt(at, true))
      .thenThrows('ORDER_IN_TERMINAL_STATE');
  });

  it('keeps a cancelled order cancelled when Market later reports another status', () => {
    const at = '2026-03-02T00:00:00.000Z';
    const cancelledByMarket = {
      type: 'MarketplaceOrderSynced',
      data: {
        ...ref,
        status: 'CANCELLED',
        marketStatus: 'CANCELLED',
        updatedAt: at,
        source: 'NOTIFICATION',
        previousStatus: 'DELIVERY',
      },
    } as const;
    const ended = [...pending, cancelledByMarket, cancelled('MARKETPLACE', at)];
    spec.given(ended).when(sync('DELIVERED', '2026-03-02T01:00:00.000Z')).thenNothing();
    spec
      .given(ended)
      .when(sync('CANCELLED', '2026-03-02T01:00:00.000Z'))
      .then([
        {
          type: 'MarketplaceOrderSynced',
          data: {
            ...ref,
            status: 'CANCELLED',
            marketStatus: 'CANCELLED',
            updatedAt: '2026-03-02T01:00:00.000Z',
            source: 'NOTIFICATION',
            previousStatus: 'CANCELLED',
          },
        },
      ]);
  });

  it('ignores a stale status arriving after our own cancellation', () =>
    spec
      .given([
        ...pending,
        {
          type: 'CancellationAccepted',
          data: { requestId: 'r1', decidedBy: 'shop-api', decidedAt: '2026-03-01T11:00:00.000Z' },
        },
        cancelled('REQUEST_ACCEPTED', '2026-03-01T11:00:00.000Z'),
      ])
      .when(sync('DELIVERY', '2026-03-01T10:30:00.000Z'))
      .thenNothing());
});

describe('MarketplaceOrder: buyer cancellation', () => {
  it('cancels at once while PROCESSING (R-YM-1)', () =>
    spec
      .given([synced('PROCESSING', '2026-03-01T09:00:00.000Z')])
      .when(register())
      .then([
        {
          type: 'OrderCancelledByBuyerWhileProcessing',
          data: { ...ref, substatus: 'USER_CHANGED_MIND', cancelledAt: t0 },
        },
        cancelled('BUYER_IN_PROCESSING', t0, 'USER_CHANGED_MIND'),
      ]));

  it('cancels at once, with no request, when paid on delivery (R-YM-6)', () =>
    spec
      .given([synced('PICKUP', '2026-03-01T09:00:00.000Z', 'POSTPAID')])
      .when(register())
      .then([cancelled('POSTPAID_AUTO', t0, 'USER_CHANGED_MIND')]));

  it.each(['DELIVERY', 'PICKUP'])('opens a PENDING request with a deadline 48 h later while %s and prepaid', (status) =>
    spec
      .given([synced(status, '2026-03-01T09:00:00.000Z')])
      .when(register())
      .then([
        {
          ...requested,
          data: { ...(requested.data as object), orderStatusAtRequest: status },
        } as MarketplaceOrderEvent,
      ]),
  );

  it('takes a request for an order it has not seen yet at its word (Market asks only for prepaid deliveries)', () =>
    spec.given([]).when(register()).then([requested]));

  it('takes a request at its word when the last status was one Market added after our enum', () =>
    spec
      .given([
        {
          type: 'MarketplaceOrderSynced',
          data: {
            ...ref,
            status: 'UNKNOWN',
            marketStatus: 'TELEPORTED',
            updatedAt: '2026-03-01T09:00:00.000Z',
            source: 'NOTIFICATION',
          },
        },
      ])
      .when(register())
      .then([requested]));

  it('uses the status a message carries when the stream has none', () =>
    spec
      .given([])
      .when(register(t0, { orderStatus: 'PROCESSING' }))
      .then([
        {
          type: 'OrderCancelledByBuyerWhileProcessing',
          data: { ...ref, substatus: 'USER_CHANGED_MIND', cancelledAt: t0 },
        },
        cancelled('BUYER_IN_PROCESSING', t0, 'USER_CHANGED_MIND'),
      ]));

  it('keeps one PENDING request at a time: a repeat is a no-op', () =>
    spec.given(pending).when(register('2026-03-01T11:00:00.000Z')).thenNothing());

  it('ignores a redelivered request that was already rejected, and opens a new one after a rejection', () => {
    spec
      .given([...pending, rejected])
      .when(register(t0))
      .thenNothing();
    const later = '2026-03-02T08:00:00.000Z';
    spec
      .given([...pending, rejected])
      .when(register(later))
      .then([
        {
          ...requested,
          data: { ...(requested.data as object), requestedAt: later, deadlineAt: '2026-03-04T08:00:00.000Z' },
        } as MarketplaceOrderEvent,
      ]);
  });

  it('does nothing on a cancelled order and refuses statuses where buyers cannot cancel', () => {
    spec
      .given([synced('CANCELLED', '2026-03-01T09:00:00.000Z')])
      .when(register())
      .thenNothing();
    spec
      .given([synced('DELIVERED', '2026-03-01T09:00:00.000Z')])
      .when(register())
      .thenThrows('CANCELLATION_NOT_ALLOWED');
  });
});

describe('MarketplaceOrder: the shop decides', () => {
  const justBefore = '2026-03-03T09:59:59.999Z';

  it('accepts: the request is accepted and the order cancelled', () =>
    spec
      .given(pending)
      .when(decideAt('2026-03-03T09:59:59.000Z', true))
      .then([
        {
          type: 'CancellationAccepted',
          data: { requestId: 'r1', decidedBy: 'shop-api', decidedAt: '2026-03-03T09:59:59.000Z' },
        },
        cancelled('REQUEST_ACCEPTED', '2026-03-03T09:59:59.000Z'),
      ]));

  it('tolerates a reason on an acceptance (D-YM-ACCEPT example)', () =>
    spec
      .given(pending)
      .when(decideAt(justBefore, true, 'ORDER_IN_DELIVERY'))
      .then([
        { type: 'CancellationAccepted', data: { requestId: 'r1', decidedBy: 'shop-api', decidedAt: justBefore } },
        cancelled('REQUEST_ACCEPTED', justBefore),
      ]));

  it.each(['ORDER_DELIVERED', 'ORDER_IN_DELIVERY'])('rejects with %s, leaving the status as it was', (reason) => {
    spec
      .given(pending)
      .when(decideAt(justBefore, false, reason))
      .then([
        {
          type: 'CancellationRejected',
          data: { requestId: 'r1', reason: reason as never, decidedBy: 'shop-api', decidedAt: justBefore },
        },
      ]);
    const after = marketplaceOrderDecider.evolve(
      pending.reduce(marketplaceOrderDecider.evolve, marketplaceOrderDecider.initialState),
      {
        type: 'CancellationRejected',
        data: { requestId: 'r1', reason: reason as never, decidedBy: 'shop-api', decidedAt: justBefore },
      },
    );
    expect(after.status).toBe('DELIVERY');
  });

  it('validates the reason before looking at the state (422 before 409)', () => {
    spec.given(pending).when(decideAt(justBefore, false)).thenThrows('REASON_REQUIRED', { field: 'reason' });
    spec
      .given(pending)
      .when(decideAt(justBefore, false, 'FOO'))
      .thenThrows('INVALID_ENUM', { field: 'reason' });
    spec
      .given(pending)
      .when(decideAt(justBefore, true, 'FOO'))
      .thenThrows('INVALID_ENUM', { field: 'reason' });
    spec.given([]).when(decideAt(justBefore, false)).thenThrows('REASON_REQUIRED');
    spec
      .given([synced('CANCELLED', t0)])
      .when(decideAt(justBefore, false, 'FOO'))
      .thenThrows('INVALID_ENUM');
    spec
      .given([...pending])
      .when(decideAt(deadline, false))
      .thenThrows('REASON_REQUIRED');
  });

  it('refuses a decision at the deadline itself and after it; one millisecond before is in time', () => {
    spec.given(pending).when(decideAt(deadline, true)).thenThrows('CANCELLATION_DEADLINE_PASSED');
    spec
      .given(pending)
      .when(decideAt(deadline, false, 'ORDER_DELIVERED'))
      .thenThrows('CANCELLATION_DEADLINE_PASSED');
    spec.given(pending).when(decideAt('2026-03-05T00:00:00.000Z', true)).thenThrows('CANCELLATION_DEADLINE_PASSED');
    spec.given(pending).when(decideAt('2026-03-03T13:00:00+03:00', true)).thenThrows('CANCELLATION_DEADLINE_PASSED');
    spec
      .given(pending)
      .when(decideAt(justBefore, false, 'ORDER_DELIVERED'))
      .then([
        {
          type: 'CancellationRejected',
          data: { requestId: 'r1', reason: 'ORDER_DELIVERED', decidedBy: 'shop-api', decidedAt: justBefore },
        },
      ]);
  });

  it('refuses decisions on terminal orders (409 ORDER_IN_TERMINAL_STATE)', () => {
    const accepted: MarketplaceOrderEvent[] = [
      ...pending,
      { type: 'CancellationAccepted', data: { requestId: 'r1', decidedBy: 'shop-api', decidedAt: justBefore } },
      cancelled('REQUEST_ACCEPTED', justBefore),
    ];
    spec.given(accepted).when(decideAt(justBefore, true)).thenThrows('ORDER_IN_TERMINAL_STATE');
    spec
      .given(accepted)
      .when(decideAt(justBefore, false, 'ORDER_DELIVERED'))
      .thenThrows('ORDER_IN_TERMINAL_STATE');
    spec
      .given([synced('RETURNED', t0)])
      .when(decideAt(justBefore, true))
      .thenThrows('ORDER_IN_TERMINAL_STATE');
  });

  it('needs a pending request', () => {
    spec
      .given([synced('PROCESSING', t0)])
      .when(decideAt(justBefore, true))
      .thenThrows('NO_PENDING_CANCELLATION');
    spec
      .given([inDelivery])
      .when(decideAt(justBefore, false, 'ORDER_DELIVERED'))
      .thenThrows('NO_PENDING_CANCELLATION');
    spec.given([]).when(decideAt(justBefore, true)).thenThrows('ORDER_NOT_FOUND');
  });

  it('treats the same rejection again as satisfied, and refuses changing it', () => {
    spec
      .given([...pending, rejected])
      .when(decideAt(justBefore, false, 'ORDER_DELIVERED'))
      .thenNothing();
    spec
      .given([...pending, rejected])
      .when(decideAt(justBefore, false, 'ORDER_IN_DELIVERY'))
      .thenThrows('ALREADY_DECIDED');
    spec
      .given([...pending, rejected])
      .when(decideAt(justBefore, true))
      .thenThrows('ALREADY_DECIDED');
  });
});

describe('MarketplaceOrder: the deadline passes', () => {
  it('auto-accepts and cancels at the deadline', () =>
    spec
      .given(pending)
      .when(expireAt(deadline))
      .then([
        { type: 'CancellationAutoAccepted', data: { requestId: 'r1', deadlineAt: deadline, appliedAt: deadline } },
        cancelled('REQUEST_EXPIRED', deadline),
      ]));

  it('refuses to expire a request early', () =>
    spec.given(pending).when(expireAt('2026-03-03T09:59:59.999Z')).thenThrows('CANCELLATION_DEADLINE_NOT_REACHED'));

  it('is a no-op once decided, once expired, or for another request', () => {
    spec
      .given([...pending, rejected])
      .when(expireAt(deadline))
      .thenNothing();
    spec
      .given([
        ...pending,
        { type: 'CancellationAutoAccepted', data: { requestId: 'r1', deadlineAt: deadline, appliedAt: deadline } },
        cancelled('REQUEST_EXPIRED', deadline),
      ])
      .when(expireAt(deadline))
      .thenNothing();
    spec.given(pending).when(expireAt(deadline, 'r0')).thenNothing();
    spec.given([]).when(expireAt(deadline)).thenNothing();
  });
});
