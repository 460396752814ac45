import { validatePayload, orderStateV1 } from '@orders/contracts';
import {
  accepted,
  cancellationRejected,
  cancellationRequested,
  deliveryCreated,
  deliveryErased,
  deliveryFinished,
  integrationEvent,
  received,
} from './fixtures';
import { evolveSummary, foldSummary, summaryStatus } from './order-state';

describe('order summary fold', () => {
  it('combines intake, delivery and marketplace events of one order', () => {
    const history = [
      received(),
      accepted(),
      deliveryCreated(),
      cancellationRequested(),
      deliveryFinished(),
      cancellationRejected(),
    ];
    const summary = foldSummary(history);
    expect(summary?.state).toMatchObject({
      orderId: 'order-1',
      tenantId: 'company-1',
      version: 6,
      lastEventType: 'CancellationRejected',
      intake: { status: 'CREATED', source: 'site', externalId: 'A1', amountMinor: 90000, currency: 'RUB' },
      delivery: {
        deliveryId: 'delivery-1',
        status: 'finished',
        closed: false,
        deliveredAt: '2026-11-23T11:20:00.000Z',
      },
      marketplace: { status: 'DELIVERY', cancellation: { status: 'REJECTED', rejectionReason: 'ORDER_DELIVERED' } },
    });
    expect(summary && summaryStatus(summary)).toBe('DELIVERED');
  });

  it('produces records that satisfy the published OrderState contract', () => {
    let summary = undefined;
    for (const event of [
      received(),
      accepted(),
      deliveryCreated(),
      cancellationRequested(),
      deliveryFinished(),
      cancellationRejected(),
    ]) {
      summary = evolveSummary(summary, event);
      expect(validatePayload(orderStateV1, summary.state)).toEqual([]);
    }
  });

  it('walks the combined status through the life of an order', () => {
    const steps: Array<[ReturnType<typeof received>, string]> = [
      [received(), 'AWAITING'],
      [accepted(), 'ACCEPTED'],
      [deliveryCreated(), 'IN_DELIVERY'],
      [cancellationRequested(), 'CANCELLATION_PENDING'],
      [
        integrationEvent('CancellationAccepted', {
          campaignId: 12345,
          marketOrderId: 987,
          requestId: 'request-1',
          decidedBy: 'op',
        }),
        'IN_DELIVERY',
      ],
      [integrationEvent('DeliveryCancelled', { deliveryId: 'delivery-1' }), 'CANCELLED'],
    ];
    let summary = undefined;
    for (const [event, status] of steps) {
      summary = evolveSummary(summary, event);
      expect(summaryStatus(summary)).toBe(status);
    }
  });

  it('stays erased after DeliveryErased, whatever comes later', () => {
    const summary = foldSummary([
      received(),
      deliveryCreated(),
      deliveryErased(),
      integrationEvent('ExternalOrderArchived'),
    ]);
    expect(summary?.erased).toBe(true);
    expect(summary && summaryStatus(summary)).toBe('ERASED');
  });

  it('counts an unknown event type without failing', () => {
    const summary = foldSummary([received(), integrationEvent('SomethingNew', { x: 1 })]);
    expect(summary?.state).toMatchObject({ version: 2, lastEventType: 'SomethingNew', intake: { status: 'AWAITING' } });
  });

  it('is a pure function of the history: the same events give the same state', () => {
    const history = [received(), accepted(), deliveryCreated(), deliveryFinished()];
    expect(foldSummary(history)).toEqual(foldSummary([...history]));
    expect(foldSummary(history.slice(2), foldSummary(history.slice(0, 2)))).toEqual(foldSummary(history));
  });
});
