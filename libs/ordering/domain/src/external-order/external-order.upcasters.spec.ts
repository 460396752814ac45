import { EXTERNAL_ORDER_UPCASTERS } from './external-order.upcasters';

const receivedV1 = {
  orderId: '0190f5d2-0000-7000-8000-000000000001',
  companyId: 'company-a',
  source: 'site',
  externalId: 'A1',
  payloadFingerprint: 'fp-1',
  piiRef: '0190f5d2-0000-7000-8000-000000000001',
  receivedAt: '2026-01-13T18:00:00.000Z',
  requestedTime: '2026-01-13T09:30:00.000Z',
  items: [{ name: 'Pie', quantity: 2, priceMinor: 17400 }],
  amountMinor: 34800,
  currency: 'RUB',
  serviceType: 'courier',
};

describe('ExternalOrder upcasters', () => {
  const upcast = (data: unknown) => {
    const step = EXTERNAL_ORDER_UPCASTERS.find(
      (candidate) => candidate.type === 'ExternalOrderReceived' && candidate.fromSchemaVersion === 1,
    );
    if (!step) throw new Error('no upcaster for ExternalOrderReceived v1');
    return step.upcast(data);
  };

  it('reads a version-1 ExternalOrderReceived with the offset unknown, every other field as stored', () => {
    expect(upcast(receivedV1)).toEqual({ ...receivedV1, requestedTimeOffset: null });
    expect(upcast({ ...receivedV1, requestedTime: null })).toEqual({
      ...receivedV1,
      requestedTime: null,
      requestedTimeOffset: null,
    });
  });

  it('leaves the stored payload itself unchanged', () => {
    const stored = structuredClone(receivedV1);
    upcast(stored);
    expect(stored).toEqual(receivedV1);
  });
});
