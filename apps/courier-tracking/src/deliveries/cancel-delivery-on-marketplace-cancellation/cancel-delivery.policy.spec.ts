import { marketOrderIntakeId, type MarketplaceOrderCancelledV1 } from '@orders/contracts';
import { cancelDeliveryPolicy } from './cancel-delivery.policy';

const orderId = marketOrderIntakeId(21, 3001);
const cancelled = (overrides: Partial<MarketplaceOrderCancelledV1> = {}): MarketplaceOrderCancelledV1 => ({
  orderId, tenantId: '21', campaignId: 21, marketOrderId: 3001, cause: 'BUYER', substatus: null, cancelledAt: '2026-11-23T10:00:00Z', ...overrides,
}) as MarketplaceOrderCancelledV1;

describe('cancelDeliveryPolicy (P3: a marketplace cancellation cancels the delivery)', () => {
  it('cancels the delivery of the platform order id with the marketplace cause', () => {
    expect(cancelDeliveryPolicy(cancelled(), { deliveryExists: true })).toEqual({
      kind: 'command',
      command: { companyId: '21', deliveryId: orderId, command: { type: 'CancelDeliveryForMarketplace', data: { cause: 'BUYER' } } },
    });
  });

  it('finds the delivery of an old market-<campaign>-<order> message through the Market ids', () => {
    expect(cancelDeliveryPolicy(cancelled({ orderId: 'market-21-3001' }), { deliveryExists: true }))
      .toMatchObject({ kind: 'command', command: { deliveryId: orderId } });
  });

  it('ignores an order that never became a delivery of that company', () => {
    expect(cancelDeliveryPolicy(cancelled(), { deliveryExists: false })).toEqual({ kind: 'ignore', reason: `no delivery ${orderId} of company 21` });
  });
});
