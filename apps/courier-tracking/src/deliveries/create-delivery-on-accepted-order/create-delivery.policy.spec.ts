import type { ExternalOrderAcceptedV1 } from '@orders/contracts';
import { createDeliveryPolicy } from './create-delivery.policy';

const orderId = '0192f5a0-7c1e-8000-8000-000000000001';
const settings = { time_zone: 'Europe/Moscow', partially_finished_status_enabled: false };
const accepted = (overrides: Partial<ExternalOrderAcceptedV1> = {}): ExternalOrderAcceptedV1 =>
  ({
    orderId,
    tenantId: 'company-a',
    acceptedBy: 'operator-7',
    acceptedAt: '2026-11-23T10:00:00.000Z',
    posOrderRef: 'POS-1',
    serviceType: 'courier',
    requestedTime: null,
    amountMinor: 34850,
    currency: 'RUB',
    personalDataRef: orderId,
    ...overrides,
  }) as ExternalOrderAcceptedV1;

describe('createDeliveryPolicy (P2: an accepted order gets its delivery)', () => {
  it('creates an unlocated delivery under the order id, its window 90 minutes from acceptance', () => {
    expect(createDeliveryPolicy(accepted(), settings)).toEqual({
      kind: 'command',
      command: {
        type: 'CreateDelivery',
        data: {
          delivery_id: orderId,
          company_id: 'company-a',
          pii_ref: orderId,
          personal_data_fields: [],
          located: false,
          order: {
            number: 'POS-1',
            time_interval: '2026-11-23T10:00:00.000Z/2026-11-23T11:30:00.000Z',
            service_type: 'courier',
            amount: 348.5,
          },
          settings,
          initiator: 'user_api',
          internal: true,
        },
      },
    });
  });

  it('opens the window at the requested time, for an hour, and numbers it by the order id without a POS order', () => {
    const decision = createDeliveryPolicy(
      accepted({ requestedTime: '2026-11-23T12:30:00.000Z', posOrderRef: null } as Partial<ExternalOrderAcceptedV1>),
      settings,
    );
    expect(decision).toMatchObject({
      kind: 'command',
      command: {
        data: { order: { number: orderId, time_interval: '2026-11-23T12:30:00.000Z/2026-11-23T13:30:00.000Z' } },
      },
    });
  });

  it('ignores an order whose id cannot be a delivery id', () => {
    expect(createDeliveryPolicy(accepted({ orderId: 'market-1-2' }), settings)).toEqual({
      kind: 'ignore',
      reason: 'order id market-1-2 is not a UUID, as delivery ids are',
    });
  });
});
