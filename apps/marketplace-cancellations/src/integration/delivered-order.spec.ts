import { marketOrderIntakeId } from '@orders/contracts';
import { deliveredMarketOrder, isCampaignId } from './delivered-order';

describe('deliveredMarketOrder (the Market order of a finished delivery, for policy P1)', () => {
  it('finds the pending Market order whose intake order the delivery was made for', () => {
    const deliveryId = marketOrderIntakeId(21, 3002);
    expect(deliveredMarketOrder(deliveryId, '21', ['3001', '3002', '3003'])).toEqual({ campaignId: '21', orderId: '3002' });
    expect(deliveredMarketOrder(deliveryId.toUpperCase(), '21', ['3002'])).toEqual({ campaignId: '21', orderId: '3002' });
  });

  it('finds nothing for a delivery of an order without a pending request, or of another campaign', () => {
    expect(deliveredMarketOrder(marketOrderIntakeId(21, 3002), '21', ['3001', '3003'])).toBeUndefined();
    expect(deliveredMarketOrder(marketOrderIntakeId(21, 3002), '22', ['3002'])).toBeUndefined();
  });

  it('still reads the market-<campaign>-<order> form', () => {
    expect(deliveredMarketOrder('market-21-3002', '21', [])).toEqual({ campaignId: '21', orderId: '3002' });
  });

  it('tells campaign ids from other companies', () => {
    expect(isCampaignId('21')).toBe(true);
    expect(isCampaignId('company-a')).toBe(false);
    expect(isCampaignId('0')).toBe(false);
  });
});
