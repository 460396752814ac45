import { courierPositionsReportedV1, validatePayload } from '@orders/contracts';
import fc from 'fast-check';
import { decodePositions, envelopeMismatch, isPositionsV1 } from './positions-message';

const decode = (payload: unknown) => decodePositions(Buffer.from(JSON.stringify(payload)));
/** Headers as kafkajs hands them: Buffers. */
const envelope = (headers: Record<string, string>) => ({
  headerEquals: (name: string, expected: string) => headers[name] !== undefined && Buffer.from(headers[name]).equals(Buffer.from(expected)),
  header: (name: string) => headers[name],
});
const valid = { tenantId: 'c-1', courierId: 'k-1', routeId: 'r-1', positions: [{ point: { lat: 55.7, lon: 37.6 }, accuracy: 5, timestamp: 1795514400 }] };

describe('positions hot-path decoder', () => {
  it('reads a valid batch into track points', () => {
    expect(decode(valid)).toEqual({ ok: true, batch: { tenantId: 'c-1', courierId: 'k-1', routeId: 'r-1', points: [{ lat: 55.7, lon: 37.6, timestamp: 1795514400 }] } });
    expect(decode(courierPositionsReportedV1.example).ok).toBe(true);
  });

  it('refuses other types and versions, missing values and non-JSON', () => {
    expect(isPositionsV1(envelope({ 'event-type': 'CourierPositionsReported', 'schema-version': '1' }))).toBe(true);
    expect(isPositionsV1(envelope({ 'event-type': 'DeliveryCreated', 'schema-version': '1' }))).toBe(false);
    expect(isPositionsV1(envelope({ 'event-type': 'CourierPositionsReported', 'schema-version': '2' }))).toBe(false);
    expect(isPositionsV1(envelope({ 'schema-version': '1' }))).toBe(false);
    expect(envelopeMismatch(envelope({ 'schema-version': '2' }))).toBe('unexpected untyped v2');
    expect(decodePositions(null).ok).toBe(false);
    expect(decodePositions(Buffer.from('{"a":')).ok).toBe(false);
  });

  it('agrees with the contract schema on arbitrary payloads', () => {
    const number = fc.oneof(fc.double({ min: -400, max: 400, noNaN: true }), fc.integer({ min: -5, max: 2_000_000_000 }), fc.constant('5'));
    const position = fc.record({
      point: fc.oneof(fc.record({ lat: number, lon: number }), fc.record({ lat: number, lon: number, alt: number }), fc.constant(null)),
      accuracy: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double({ min: 0, max: 5, noNaN: true })),
      timestamp: number,
      heading: fc.option(number, { nil: undefined }),
      speed: fc.option(number, { nil: undefined }),
      note: fc.option(fc.string(), { nil: undefined }),
    }, { requiredKeys: [] });
    const payload = fc.record({
      tenantId: fc.oneof(fc.string({ maxLength: 130 }), fc.integer()),
      courierId: fc.string({ minLength: 0, maxLength: 3 }),
      routeId: fc.constantFrom('r-1', ''),
      positions: fc.array(position, { maxLength: 3 }),
      receivedAt: fc.option(fc.constantFrom('2026-03-02T08:00:00Z', 'yesterday'), { nil: undefined }),
    }, { requiredKeys: ['positions'] });
    fc.assert(fc.property(payload, (candidate) => {
      const clean = JSON.parse(JSON.stringify(candidate));
      expect(decode(clean).ok).toBe(validatePayload(courierPositionsReportedV1, clean).length === 0);
    }), { numRuns: 2000 });
  });
});
