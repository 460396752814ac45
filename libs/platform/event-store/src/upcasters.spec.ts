import { UpcasterRegistry, type Upcaster } from './upcasters';
import type { RecordedEvent } from './types';

const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  eventId: 'e', streamId: 's-1', streamType: 's', streamVersion: 1, globalPosition: '1', transactionId: '1', type, schemaVersion,
  data, metadata: {}, occurredAt: new Date(0), recordedAt: new Date(0),
});

const toCents: Upcaster<{ amount: number }, { amountMinor: number }> = {
  type: 'PaymentTaken', fromSchemaVersion: 1, upcast: (data) => ({ amountMinor: Math.round(data.amount * 100) }),
};
const withCurrency: Upcaster<{ amountMinor: number }, { amountMinor: number; currency: string }> = {
  type: 'PaymentTaken', fromSchemaVersion: 2, upcast: (data) => ({ ...data, currency: 'RUB' }),
};
const renamed: Upcaster = { type: 'OrderCanceled', fromSchemaVersion: 1, toType: 'OrderCancelled', upcast: (data) => data };

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry([withCurrency, toCents, renamed]);

  it('chains upcasters up to the current version', () => {
    expect(registry.upcast(stored('PaymentTaken', 1, { amount: 1.5 }))).toMatchObject({
      type: 'PaymentTaken', schemaVersion: 3, data: { amountMinor: 150, currency: 'RUB' },
    });
    expect(registry.upcast(stored('PaymentTaken', 2, { amountMinor: 7 })).data).toEqual({ amountMinor: 7, currency: 'RUB' });
  });

  it('leaves current events alone and renames types', () => {
    const current = stored('PaymentTaken', 3, { amountMinor: 1, currency: 'RUB' });
    expect(registry.upcast(current)).toBe(current);
    expect(registry.upcast(stored('OrderCanceled', 1, { why: 'x' }))).toMatchObject({ type: 'OrderCancelled', schemaVersion: 2 });
  });

  it('knows the version new events are written in', () => {
    expect(registry.currentSchemaVersion('PaymentTaken')).toBe(3);
    expect(registry.currentSchemaVersion('OrderCancelled')).toBe(2);
    expect(registry.currentSchemaVersion('Unknown')).toBe(1);
  });

  it('refuses two upcasters for one version', () => {
    expect(() => new UpcasterRegistry([toCents, toCents])).toThrow(/two upcasters/);
  });
});
