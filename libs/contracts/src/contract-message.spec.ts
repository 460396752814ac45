import { contractMessage } from './contract-message';
import { externalOrderAcceptedV1 } from './intake/order-events';
import { ContractViolation } from './validation';

describe('contractMessage', () => {
  it('keys a valid payload by its definition key field and names its type and version', () => {
    const payload = externalOrderAcceptedV1.example;
    expect(contractMessage(externalOrderAcceptedV1, payload)).toEqual({
      key: payload.orderId, value: payload, eventType: 'ExternalOrderAccepted', schemaVersion: 1,
    });
  });

  it('refuses a payload its schema refuses, in the producer', () => {
    const broken = { ...externalOrderAcceptedV1.example, amountMinor: -1 };
    expect(() => contractMessage(externalOrderAcceptedV1, broken)).toThrow(ContractViolation);
  });
});
