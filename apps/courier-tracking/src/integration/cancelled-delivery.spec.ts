import { marketOrderIntakeId } from '@orders/contracts';
import { deliveryIdsOf } from './cancelled-delivery';

describe('deliveryIdsOf (which delivery a marketplace cancellation cancels)', () => {
  it('finds the delivery of a Market order by the intake id of its campaign and Market order id', () => {
    expect(deliveryIdsOf({ orderId: 'market-21-3001', campaignId: 21, marketOrderId: 3001 })).toEqual([marketOrderIntakeId(21, 3001)]);
  });

  it('tries an order id that is already a delivery id first', () => {
    const orderId = '0192f5a0-7c1e-7000-8000-000000000001';
    expect(deliveryIdsOf({ orderId, campaignId: 21, marketOrderId: 3001 })).toEqual([orderId, marketOrderIntakeId(21, 3001)]);
  });

  it('names the intake id once when the order id is that id', () => {
    const orderId = marketOrderIntakeId(21, 3001);
    expect(deliveryIdsOf({ orderId, campaignId: 21, marketOrderId: 3001 })).toEqual([orderId]);
  });
});
