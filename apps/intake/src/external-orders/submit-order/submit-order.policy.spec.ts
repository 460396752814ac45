import type { ExternalOrderSubmittedV1 } from '@orders/contracts';
import { submitOrderPolicy } from './submit-order.policy';

const order = (overrides: Record<string, unknown> = {}): ExternalOrderSubmittedV1 => ({
  tenantId: 'company-a', source: 'site', externalId: 'A-1', submittedAt: '2026-11-23T10:00:00Z',
  customer: { name: 'Ivan Ivanovich Ivanov', phone: '+77776665544' }, address: 'Pushkin street 2, apt 5', serviceType: 'courier',
  items: [{ name: 'Pie', quantity: 2, priceMinor: 17400 }], amountMinor: 34800, currency: 'RUB', ...overrides,
}) as unknown as ExternalOrderSubmittedV1;

describe('submitOrderPolicy (an upstream order is received as if posted)', () => {
  it('submits a valid order for its company, on behalf of its source', () => {
    const decision = submitOrderPolicy(order());
    expect(decision).toMatchObject({ kind: 'command', command: { tenantId: 'company-a', actor: 'upstream:site' } });
    if (decision.kind !== 'command') throw new Error('expected a command');
    expect(decision.command.submission).toMatchObject({ externalId: 'A-1', amountMinor: 34800 });
    expect(decision.command.submission).not.toHaveProperty('tenantId');
  });

  it('refuses what the HTTP endpoint would refuse, naming each field', () => {
    const decision = submitOrderPolicy(order({ serviceType: 'drone', customer: { name: 'Ivan' } }));
    expect(decision.kind).toBe('refuse');
    if (decision.kind !== 'refuse') throw new Error('expected a refusal');
    expect(decision.reason).toMatch(/^VALIDATION_FAILED: .*serviceType/);
  });

  it('refuses a tenant that is not a company id', () => {
    expect(submitOrderPolicy(order({ tenantId: 'no spaces/slashes' }))).toEqual({ kind: 'refuse', reason: 'VALIDATION_FAILED: tenantId INVALID_VALUE' });
  });
});
