import fc from 'fast-check';

/**
 * JSON text spliced into a body as is: values JSON.stringify cannot write (3,000 levels of nesting would overflow
 * the builder's own recursion; 1e400 would become null).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export type HostileValue = unknown;

/** Nesting far past any DTO and past class-transformer's recursion limit (~3,000 levels overflowed it). */
export const deepArray = (depth: number): RawJson => new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
export const deepObject = (depth: number): RawJson => new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Strings that are valid UTF-16 for JavaScript but not text: JSON can carry them, PostgreSQL and Kafka cannot. */
const brokenText = ['\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\uDBFF\uDBFF', 'ok\uD83D', '\u0000\uD800'];

/** Dates that look like dates: some pass class-validator's IsISO8601, few survive `new Date(...).toISOString()`. */
export const oddDates = [
  '2026-W01-1', '2026-001', '10:00:00,5Z', '2026-01-01T10:00:00,5Z', '275760-09-13T00:00:00Z', '+275760-09-13T00:00:00.000Z',
  '+275761-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z',
  '2026-01-01T23:59:60Z', '2026-13-01T00:00:00Z', '2026-01-01T10:00:00+24:00', '20260101T100000Z', '2026-01-01T10:00Z', '2026-01-01',
  '2026-01-01t10:00:00z', '2026-01-01 10:00:00Z', '9999-12-31T23:59:59.999999999-23:59', '2026-01-01T10:00:00.1234567890123Z',
];

const hugeNumbers: HostileValue[] = [
  1e308, -1e308, 2 ** 53 + 2, -(2 ** 53) - 2, 5e-324, -0, 0.1, 1.5, -1, 0,
  new RawJson('1e400'), new RawJson('-1e400'), new RawJson('123456789012345678901234567890'),
];

const wrongTypes: HostileValue[] = [true, false, 0, '', 'x', [], {}, [null], { '': 1 }, ['x'], '1', 'true', 'null', '__proto__'];

/** One hostile value for a body field: broken text, odd dates, huge numbers, wrong types, null, nesting, size. */
export const hostileValue: fc.Arbitrary<HostileValue> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...brokenText) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...brokenText), fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b + c),
  },
  { weight: 3, arbitrary: fc.constantFrom(...oddDates) },
  { weight: 2, arbitrary: fc.constantFrom(...hugeNumbers) },
  { weight: 2, arbitrary: fc.constantFrom(...wrongTypes) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(deepArray(3000), deepObject(3000), deepArray(40), deepObject(40)) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), 'é'.repeat(20_000)) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean()) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** Path and query values: the same families as text, percent-encoded by `encodeHostile`. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...brokenText),
  fc.constantFrom(...oddDates),
  fc.constantFrom('', ' ', '..', '%', '%zz', '-1', '1e400', '99999999999999999999999', 'NaN', 'true', 'x'.repeat(5000)),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string(),
);

/**
 * Percent-encodes any JavaScript string. A lone surrogate has no UTF-8 form (encodeURIComponent throws), so it
 * goes as the bytes a careless client sends for it (generalised UTF-8, `%ED%A0%80`): invalid UTF-8 on the wire.
 */
export function encodeHostile(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else if (char === '%' && text.length <= 3) {
      out += char; // '%', '%zz': malformed escapes on purpose
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** JSON text of a body that may hold RawJson parts. */
export function toJsonText(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (value instanceof RawJson) {
      raws.push(value.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return value;
  });
  return (text ?? 'null').replace(/"\\u0001raw(\d+)\\u0001"/g, (_match, index: string) => raws[Number(index)]);
}
