import { externalOrderId, payloadFingerprint, UUID_PATTERN } from './order-identity';

describe('order identity', () => {
  it('derives one stable UUID per company, source and external id', () => {
    const id = externalOrderId('company-a', 'site', 'A1');
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('8');
    expect(externalOrderId('company-a', 'site', 'A1')).toBe(id);
    expect(
      new Set([
        id,
        externalOrderId('company-b', 'site', 'A1'),
        externalOrderId('company-a', 'app', 'A1'),
        externalOrderId('company-a', 'site', 'A2'),
      ]).size,
    ).toBe(4);
  });

  it('fingerprints payloads regardless of key order', () => {
    expect(payloadFingerprint({ a: 1, b: [1, 2] })).toBe(payloadFingerprint({ b: [1, 2], a: 1 }));
    expect(payloadFingerprint({ a: 1 })).not.toBe(payloadFingerprint({ a: 2 }));
  });
});
