import { courierPositionsReportedV1, validatePayload } from '@orders/contracts';
import fc from 'fast-check';
import {
  decodePositions,
  envelopeMismatch,
  isPositionsV1,
  mismatchClassification,
  missingEnvelope,
} from './positions-message';

const decode = (payload: unknown) => decodePositions(Buffer.from(JSON.stringify(payload)));
/** Headers as kafkajs hands them: Buffers. */
const envelope = (headers: Record<string, string>) => ({
  headerEquals: (name: string, expected: string) =>
    headers[name] !== undefined && Buffer.from(headers[name]).equals(Buffer.from(expected)),
  header: (name: string) => headers[name],
});
const valid = {
  tenantId: 'c-1',
  courierId: 'k-1',
  routeId: 'r-1',
  positions: [{ point: { lat: 55.7, lon: 37.6 }, accuracy: 5, timestamp: 1795514400 }],
};

describe('positions hot-path decoder', () => {
  it('reads a valid batch into track points', () => {
    expect(decode(valid)).toEqual({
      ok: true,
      batch: {
        tenantId: 'c-1',
        courierId: 'k-1',
        routeId: 'r-1',
        points: [{ lat: 55.7, lon: 37.6, timestamp: 1795514400 }],
      },
    });
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
    const number = fc.oneof(
      fc.double({ min: -400, max: 400, noNaN: true }),
      fc.integer({ min: -5, max: 2_000_000_000 }),
      fc.constant('5'),
    );
    const position = fc.record(
      {
        point: fc.oneof(
          fc.record({ lat: number, lon: number }),
          fc.record({ lat: number, lon: number, alt: number }),
          fc.constant(null),
        ),
        accuracy: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double({ min: 0, max: 5, noNaN: true })),
        timestamp: number,
        heading: fc.option(number, { nil: undefined }),
        speed: fc.option(number, { nil: undefined }),
        note: fc.option(fc.string(), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const payload = fc.record(
      {
        tenantId: fc.oneof(fc.string({ maxLength: 130 }), fc.integer()),
        courierId: fc.string({ minLength: 0, maxLength: 3 }),
        routeId: fc.constantFrom('r-1', ''),
        positions: fc.array(position, { maxLength: 3 }),
        receivedAt: fc.option(fc.constantFrom('2026-03-02T08:00:00Z', 'yesterday'), { nil: undefined }),
      },
      { requiredKeys: ['positions'] },
    );
    fc.assert(
      fc.property(payload, (candidate) => {
        const clean = JSON.parse(JSON.stringify(candidate));
        expect(decode(clean).ok).toBe(validatePayload(courierPositionsReportedV1, clean).length === 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what PostgreSQL or a lossy decoding would mangle: NUL or lone surrogates in ids, non-UTF-8, oversize', () => {
    expect(decode({ ...valid, routeId: 'r-\u0000' })).toEqual({ ok: false, reason: 'routeId' });
    expect(decode({ ...valid, courierId: 'k-\ud800' })).toEqual({ ok: false, reason: 'courierId' });
    const text = Buffer.from(JSON.stringify(valid));
    expect(decodePositions(Buffer.concat([text.subarray(0, 20), Buffer.from([0xff]), text.subarray(20)]))).toEqual({
      ok: false,
      reason: 'value is not UTF-8',
    });
    expect(decode({ ...valid, padding: 'p'.repeat(600_000) }).ok).toBe(false);
  });

  it('wants the whole envelope, and parks other types and newer versions by what they are', () => {
    const headers = {
      'event-id': Buffer.from('e-1'),
      'event-type': Buffer.from('CourierPositionsReported'),
      'schema-version': Buffer.from('1'),
      'occurred-at': Buffer.from('2026-03-02T08:00:00Z'),
    };
    expect(missingEnvelope({ rawHeaders: headers })).toBeUndefined();
    expect(missingEnvelope({ rawHeaders: { ...headers, 'event-id': Buffer.alloc(0) } })).toBe(
      'missing event-id header',
    );
    expect(missingEnvelope({ rawHeaders: { ...headers, 'occurred-at': undefined } })).toBe(
      'missing occurred-at header',
    );
    expect(mismatchClassification(envelope({ 'event-type': 'CourierPositionsReported', 'schema-version': '2' }))).toBe(
      'unknown-version',
    );
    expect(mismatchClassification(envelope({ 'event-type': 'CourierTeleported', 'schema-version': '1' }))).toBe(
      'unknown-type',
    );
    expect(mismatchClassification(envelope({ 'event-type': 'CourierPositionsReported', 'schema-version': 'x' }))).toBe(
      'unknown-type',
    );
  });
});
