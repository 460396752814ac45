import { externalOrderId } from '../order-identity';
import { cancelOnMarketplaceCancellation, intakeOrderIdOf, MARKETPLACE_SOURCE, type MarketplaceCancellation } from './marketplace-cancellation.policy';

const orderId = '0192f5a0-7c1e-8000-8000-000000000001';
const accepted = (overrides: Partial<MarketplaceCancellation> = {}): MarketplaceCancellation => ({
  orderId, tenantId: 'company-a', campaignId: 12345, marketOrderId: 987654321, requestId: 'request-1',
  decidedBy: 'operator-7', decidedAt: '2026-11-23T10:40:00Z', ...overrides,
}) as MarketplaceCancellation;

describe('cancelOnMarketplaceCancellation (policy: a marketplace cancellation cancels the intake order)', () => {
  it('cancels the order of the same company with the cause and the request as reference', () => {
    expect(cancelOnMarketplaceCancellation('MARKETPLACE_CANCELLATION_EXPIRED', accepted(), { orderCompany: 'company-a' })).toEqual({
      kind: 'command',
      command: { companyId: 'company-a', orderId, cause: 'MARKETPLACE_CANCELLATION_EXPIRED', cancellationRef: 'request-1' },
    });
  });

  it('cancels an order intake has not received yet: the decider keeps it for the order\'s arrival', () => {
    expect(cancelOnMarketplaceCancellation('MARKETPLACE_CANCELLATION_EXPIRED', accepted(), { orderCompany: undefined })).toEqual({
      kind: 'command',
      command: { companyId: 'company-a', orderId, cause: 'MARKETPLACE_CANCELLATION_EXPIRED', cancellationRef: 'request-1' },
    });
  });

  it('ignores an order intake has for another company', () => {
    expect(cancelOnMarketplaceCancellation('MARKETPLACE_CANCELLATION_ACCEPTED', accepted(), { orderCompany: 'company-b' }))
      .toEqual({ kind: 'ignore', reason: `intake order ${orderId} is not of company company-a` });
  });

  it('finds the order by the platform id (any case), or by Market\'s ids for the old market-… form', () => {
    expect(intakeOrderIdOf(accepted({ orderId: orderId.toUpperCase() }))).toBe(orderId);
    expect(intakeOrderIdOf(accepted({ orderId: 'market-12345-987654321' }))).toBe(externalOrderId('company-a', MARKETPLACE_SOURCE, '987654321'));
  });
});
