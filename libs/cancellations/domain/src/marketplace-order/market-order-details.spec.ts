import { DeciderSpecification } from '@orders/decider-kit';
import type { MarketplaceOrderCommand } from './marketplace-order.commands';
import { marketplaceOrderDecider } from './marketplace-order.decider';
import type { MarketplaceOrderEvent } from './marketplace-order.events';

// What Market says of an order besides its status (RecordMarketOrderDetails): the later view wins, and its payment
// type is what a buyer's cancellation is decided on.
const spec = DeciderSpecification.for(marketplaceOrderDecider);
const ref = { campaignId: '21', orderId: '9101' };
const created = '2026-03-01T08:00:00.000Z';
const fetched = '2026-03-01T08:00:05.000Z';
const items = [{ offerId: 'sku-1', count: 2 }];
const marketOrder = JSON.stringify({ id: 9101, paymentType: 'POSTPAID', itemsTotal: 1234.5 });

const fromNotification: MarketplaceOrderCommand = {
  type: 'RecordMarketOrderDetails',
  data: { ...ref, source: 'NOTIFICATION', asOf: created, creationDate: created, items },
  metadata: { now: created, actor: 'market' },
};
const fromMarketApi = (asOf: string): MarketplaceOrderCommand => ({
  type: 'RecordMarketOrderDetails',
  data: { ...ref, source: 'MARKET_API', asOf, paymentType: 'POSTPAID', marketOrder },
  metadata: { now: asOf, actor: 'market-connector' },
});
const notified: MarketplaceOrderEvent = {
  type: 'MarketOrderDetailsRecorded',
  data: { ...ref, source: 'NOTIFICATION', asOf: created, creationDate: created, items },
};
const read: MarketplaceOrderEvent = {
  type: 'MarketOrderDetailsRecorded',
  data: { ...ref, source: 'MARKET_API', asOf: fetched, paymentType: 'POSTPAID', marketOrder },
};
const inDelivery: MarketplaceOrderEvent = {
  type: 'MarketplaceOrderSynced',
  data: {
    ...ref,
    status: 'DELIVERY',
    marketStatus: 'DELIVERY',
    updatedAt: '2026-03-01T09:00:00.000Z',
    source: 'NOTIFICATION',
  },
};

describe('MarketplaceOrder: details Market gives besides the status', () => {
  it('records what ORDER_CREATED says, then Market’s order read later', () => {
    spec.given([]).when(fromNotification).then([notified]);
    spec.given([notified]).when(fromMarketApi(fetched)).then([read]);
  });

  it('ignores a view as old as the last one, or older', () => {
    spec.given([notified, read]).when(fromMarketApi(fetched)).thenNothing();
    spec.given([read]).when(fromNotification).thenNothing();
  });

  it("decides a buyer's cancellation on the payment type Market's order gave (postpaid: cancelled at once, R-YM-6)", () =>
    spec
      .given([read, inDelivery])
      .when({
        type: 'RegisterBuyerCancellation',
        data: { ...ref, requestId: 'r1', requestedAt: '2026-03-01T10:00:00.000Z' },
        metadata: { now: '2026-03-01T10:00:00.000Z', actor: 'market' },
      })
      .then([
        {
          type: 'MarketplaceOrderCancelled',
          data: { ...ref, cause: 'POSTPAID_AUTO', substatus: undefined, cancelledAt: '2026-03-01T10:00:00.000Z' },
        },
      ]));
});
