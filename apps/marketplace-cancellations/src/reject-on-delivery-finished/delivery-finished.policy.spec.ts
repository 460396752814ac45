import { deliveryFinishedPolicy } from './delivery-finished.policy';

const orderId = '0192f5a0-7c1e-8000-8000-000000000001';
const finished = { orderId, tenantId: '21', deliveredAt: '2026-03-01T10:05:00.000Z' };

describe('deliveryFinishedPolicy (P1: a finished delivery reaches its Market order)', () => {
  it('records the finish under the message id on the order of the platform id in the campaign', () => {
    expect(deliveryFinishedPolicy(finished, 'event-1')).toEqual({
      kind: 'command',
      command: {
        platformOrderId: orderId,
        campaignId: '21',
        delivery: { finishedAt: '2026-03-01T10:05:00.000Z', messageId: 'event-1' },
      },
    });
  });

  it('ignores deliveries that cannot be of a Market order', () => {
    expect(deliveryFinishedPolicy({ ...finished, orderId: 'market-21-3001' }, 'e')).toMatchObject({ kind: 'ignore' });
    expect(deliveryFinishedPolicy({ ...finished, tenantId: 'company-a' }, 'e')).toEqual({
      kind: 'ignore',
      reason: 'company company-a is not a Market campaign',
    });
    expect(deliveryFinishedPolicy({ ...finished, tenantId: '021' }, 'e')).toMatchObject({ kind: 'ignore' });
  });
});
