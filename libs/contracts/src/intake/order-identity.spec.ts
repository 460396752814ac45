import { externalOrderId, marketOrderIntakeId } from './order-identity';

describe('externalOrderId', () => {
  it('is the id intake has always given: fixed vectors, so stored streams keep their ids', () => {
    expect(externalOrderId('company-1', 'site', 'A1')).toBe('1f5515ee-9599-888c-a992-a10360aae84c');
    expect(externalOrderId('522495', 'market', '676850834')).toBe('5e76bfd6-e144-8358-87bf-b92740aaf8d8');
  });

  it('is a version 8, RFC variant UUID that differs by company, source and external id', () => {
    const id = externalOrderId('c', 's', 'e');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set([id, externalOrderId('c2', 's', 'e'), externalOrderId('c', 's2', 'e'), externalOrderId('c', 's', 'e2')]).size).toBe(4);
  });
});

describe('marketOrderIntakeId', () => {
  it('names the intake order of source market, company = campaign, external id = Market order id', () => {
    expect(marketOrderIntakeId(522495, 676850834)).toBe(externalOrderId('522495', 'market', '676850834'));
    expect(marketOrderIntakeId('522495', '676850834')).toBe('5e76bfd6-e144-8358-87bf-b92740aaf8d8');
  });
});
