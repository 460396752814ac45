import { storeNotificationPolicy } from './market-notification.policy';

describe('storeNotificationPolicy (Kafka notifications join the HTTP inbox)', () => {
  it('stores a cancellation request as POST /notification would', () => {
    expect(storeNotificationPolicy('MarketOrderCancellationRequested', {
      campaignId: 21, orderId: 3001, requestedAt: '2026-03-01T10:00:00Z', status: 'DELIVERY', substatus: 'BUYER_CANCELLED', paymentType: 'PREPAID',
    })).toEqual({
      kind: 'command',
      command: {
        notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId: '21', orderId: '3001', eventAt: '2026-03-01T10:00:00Z', status: 'DELIVERY',
        substatus: 'BUYER_CANCELLED', paymentType: 'PREPAID',
      },
    });
  });

  it('ignores a type the inbox does not store', () => {
    expect(storeNotificationPolicy('MarketOrderItemsChanged', { campaignId: 21, orderId: 3001 }))
      .toEqual({ kind: 'ignore', reason: 'MarketOrderItemsChanged is not a Market notification the inbox stores' });
  });
});
