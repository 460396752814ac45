import { DeciderSpecification } from '@orders/decider-kit';
import type { MarketplaceOrderCommand } from './marketplace-order.commands';
import { marketplaceOrderDecider } from './marketplace-order.decider';
import type { MarketplaceOrderEvent } from './marketplace-order.events';

// Market's refusal of the shop's decision (the connector got 400/404 to PUT cancellation/accept): a fact recorded
// once per request, for operators; the decision itself stands.

const spec = DeciderSpecification.for(marketplaceOrderDecider);
const ref = { campaignId: '21', orderId: '9002' };
const now = '2026-03-01T12:00:00.000Z';

const accepted: MarketplaceOrderEvent = {
  type: 'CancellationAccepted', data: { requestId: 'r1', decidedBy: 'operator', decidedAt: '2026-03-01T11:00:00.000Z' },
};
const refuse = (requestId = 'r1'): MarketplaceOrderCommand => ({
  type: 'RecordMarketDecisionRefused',
  data: { ...ref, requestId, accepted: true, status: 400, code: 'ORDER_NOT_CANCELLABLE', message: 'no' },
  metadata: { now, actor: 'market-connector' },
});
const refused = (requestId = 'r1'): MarketplaceOrderEvent => ({
  type: 'MarketDecisionRefused',
  data: { ...ref, requestId, accepted: true, status: 400, code: 'ORDER_NOT_CANCELLABLE', message: 'no', refusedAt: now },
});

describe('MarketplaceOrder: Market refuses the decision', () => {
  it('records the refusal', () => spec.given([accepted]).when(refuse()).then([refused()]));
  it('records it once per request', () => spec.given([accepted, refused()]).when(refuse()).then([]));
  it("records another request's refusal", () => spec.given([accepted, refused()]).when(refuse('r2')).then([refused('r2')]));
});
