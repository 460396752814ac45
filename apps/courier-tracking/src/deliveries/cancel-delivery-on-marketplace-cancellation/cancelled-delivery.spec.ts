import { marketOrderIntakeId } from '@orders/contracts';
import { deliveryIdOf } from './cancelled-delivery';

describe('deliveryIdOf (which delivery a marketplace cancellation cancels)', () => {
  it('takes the platform order id, which the Market order\'s delivery has', () => {
    const orderId = marketOrderIntakeId(21, 3001);
    expect(deliveryIdOf({ orderId, campaignId: 21, marketOrderId: 3001 })).toBe(orderId);
    expect(deliveryIdOf({ orderId: orderId.toUpperCase(), campaignId: 21, marketOrderId: 3001 })).toBe(orderId);
  });

  it('still reads a message of the old market-<campaign>-<order> form through the Market ids', () => {
    expect(deliveryIdOf({ orderId: 'market-21-3001', campaignId: 21, marketOrderId: 3001 })).toBe(marketOrderIntakeId(21, 3001));
  });
});
