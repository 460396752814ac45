import { parseMarketCampaigns } from './market-campaigns';
import { marketCallsFor } from './market-outbox';
import { retryAfterSeconds } from './market-api.client';

const ref = { campaignId: '21', orderId: '7' };

describe('MARKET_CAMPAIGNS', () => {
  it('reads campaigns and their keys; empty connects none', () => {
    expect([...parseMarketCampaigns('{"21":{"apiKey":"ACMA:abcdefgh"}}').values()])
      .toEqual([{ campaignId: '21', apiKey: 'ACMA:abcdefgh' }]);
    expect(parseMarketCampaigns('').size).toBe(0);
  });

  it.each(['[]', '{"x":{"apiKey":"ACMA:abcdefgh"}}', '{"0021":{"apiKey":"ACMA:abcdefgh"}}', '{"21":{}}',
    '{"21":{"apiKey":"has a space"}}', 'not json'])('refuses %s', (text) => {
    expect(() => parseMarketCampaigns(text)).toThrow();
  });
});

describe('the calls to Market that events ask for', () => {
  it("a decision → PUT cancellation/accept with Market's body; ORDER_CREATED's details → GET order", () => {
    expect(marketCallsFor(ref, [
      { type: 'CancellationAccepted', data: { requestId: 'r1', decidedBy: 'op', decidedAt: '2026-03-01T10:00:00.000Z' } },
      { type: 'CancellationRejected', data: { requestId: 'r2', reason: 'ORDER_DELIVERED', decidedBy: 'policy',
        decidedAt: '2026-03-01T11:00:00.000Z' } },
      { type: 'MarketOrderDetailsRecorded', data: { ...ref, source: 'NOTIFICATION', asOf: '2026-03-01T09:00:00.000Z' } },
    ])).toEqual([
      { operation: 'acceptOrderCancellation', ...ref, causeId: 'r1', body: { accepted: true }, decidedAt: '2026-03-01T10:00:00.000Z' },
      { operation: 'acceptOrderCancellation', ...ref, causeId: 'r2', body: { accepted: false, reason: 'ORDER_DELIVERED' },
        decidedAt: '2026-03-01T11:00:00.000Z' },
      { operation: 'getOrder', ...ref, causeId: 'order-created', decidedAt: '2026-03-01T09:00:00.000Z' },
    ]);
  });

  it("sends nothing for an automatic acceptance (Market's own) or Market's order already read", () => {
    expect(marketCallsFor(ref, [
      { type: 'CancellationAutoAccepted', data: { requestId: 'r1', deadlineAt: 'x', appliedAt: 'x' } },
      { type: 'MarketOrderDetailsRecorded', data: { ...ref, source: 'MARKET_API', asOf: '2026-03-01T09:00:00.000Z' } },
    ])).toEqual([]);
  });
});

it('Retry-After: seconds, or an HTTP date', () => {
  const now = new Date('2026-03-01T10:00:00.000Z');
  expect(retryAfterSeconds('30', now)).toBe(30);
  expect(retryAfterSeconds('Sun, 01 Mar 2026 10:01:00 GMT', now)).toBe(60);
  expect(retryAfterSeconds(null, now)).toBeUndefined();
});
