import fc from 'fast-check';
import { HEADER } from '../headers';
import type { DeadLetterClassification } from '../dead-letter';

/*
 * Generated hostile Kafka messages for the services' hostile-input suites: each one can never succeed because of what
 * it carries, so the runner must dead-letter it (with a reason) and go on. Generated with fast-check from a fixed
 * seed, so a failure names the same messages on every run.
 */

export type HostileKind =
  | 'nul-header'
  | 'control-header'
  | 'repeated-header'
  | 'non-utf8-header'
  | 'long-header'
  | 'missing-header'
  | 'unknown-type'
  | 'newer-version'
  | 'oversized'
  | 'not-json'
  | 'non-utf8-value'
  | 'nul-value'
  | 'lone-surrogate'
  | 'id-out-of-range'
  | 'deep-json'
  | 'wrong-type';

export type HeaderValues = Record<string, string | Buffer | (string | Buffer)[]>;

export interface HostileMessage {
  /** Also sent as the `x-hostile-id` header (not an envelope header, so never judged): finds its dead letter. */
  readonly id: string;
  readonly kind: HostileKind;
  /** The dead-letter classifications that are right for it (a service may refuse a payload in its handler). */
  readonly expected: readonly DeadLetterClassification[];
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: HeaderValues;
}

/** A valid message of the topic, which the hostile ones are made from. */
export interface ValidTemplate {
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly key: string;
  readonly payload: Record<string, unknown>;
  /** Required string fields (ids, texts) that content mutations may target. */
  readonly stringFields: readonly string[];
  /** Payload fields with values out of the HTTP id rules, e.g. `{ orderId: [1e21, 0] }`. */
  readonly badIds: Readonly<Record<string, readonly unknown[]>>;
}

export const HOSTILE_ID_HEADER = 'x-hostile-id';

/** What a template needs of a contract's message definition (structural: the library does not load the catalogue). */
export interface TemplateDefinition {
  readonly name: string;
  readonly version: number;
  readonly keyField: string;
  readonly schema: { readonly [keyword: string]: unknown };
  readonly example: unknown;
}

/**
 * A template from a catalogue definition: its example (with `overrides`), keyed by its key field; the required
 * string fields are the targets of content mutations.
 */
export function templateOf(
  definition: TemplateDefinition,
  overrides: Record<string, unknown> = {},
  badIds: Readonly<Record<string, readonly unknown[]>> = {},
): ValidTemplate {
  const payload = { ...(definition.example as Record<string, unknown>), ...overrides };
  const required = (definition.schema['required'] ?? []) as readonly string[];
  return {
    eventType: definition.name,
    schemaVersion: definition.version,
    key: String(payload[definition.keyField]),
    payload,
    stringFields: required.filter((name) => typeof payload[name] === 'string'),
    badIds,
  };
}

/** Envelope headers of a valid message (what the relays send). */
export function validHeaders(template: ValidTemplate, eventId: string): Record<string, string> {
  return {
    [HEADER.eventId]: eventId,
    [HEADER.eventType]: template.eventType,
    [HEADER.schemaVersion]: String(template.schemaVersion),
    [HEADER.occurredAt]: '2026-11-23T10:00:00Z',
    [HEADER.correlationId]: `corr-${eventId}`,
    [HEADER.contentType]: 'application/json',
  };
}

const HEADER_NAMES = [
  HEADER.eventId,
  HEADER.eventType,
  HEADER.schemaVersion,
  HEADER.occurredAt,
  HEADER.correlationId,
  HEADER.causationId,
];
const MALFORMED: readonly DeadLetterClassification[] = ['malformed'];
const INVALID: readonly DeadLetterClassification[] = ['invalid', 'non-retryable'];
const UNREADABLE: readonly DeadLetterClassification[] = ['malformed', 'invalid'];
const BAD_UTF8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];

type Mutation = {
  kind: HostileKind;
  expected: readonly DeadLetterClassification[];
  headers?: HeaderValues;
  value?: Buffer | null;
  payload?: Record<string, unknown>;
};

const insertAt = (text: string, position: number, insert: string): string => {
  const at = position % (text.length + 1);
  return text.slice(0, at) + insert + text.slice(at);
};

/** Deep nesting as JSON text (never built as an object: a parser must meet it as text). */
const deepJson = (depth: number, open: '[' | '{"a":'): string =>
  `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`;

function mutations(template: ValidTemplate, headers: Record<string, string>): fc.Arbitrary<Mutation>[] {
  const header = fc.constantFrom(...HEADER_NAMES);
  const text = (name: string) => headers[name] ?? 'cause-1';
  const field = fc.constantFrom(...template.stringFields);
  const withField = (name: string, value: unknown) => ({ ...template.payload, [name]: value });
  const badIdEntries = Object.entries(template.badIds).flatMap(([name, values]) =>
    values.map((value) => [name, value] as const),
  );
  return [
    fc.tuple(header, fc.nat(), fc.constantFrom('\u0000', 'a\u0000', '\u0000\u0000')).map(([name, at, nul]) => ({
      kind: 'nul-header' as const,
      expected: MALFORMED,
      headers: { ...headers, [name]: insertAt(text(name), at, nul) },
    })),
    fc
      .tuple(header, fc.nat(), fc.constantFrom('\t', '\n', '\r', '\u007f', '\u001b', '\u0085'))
      .map(([name, at, control]) => ({
        kind: 'control-header' as const,
        expected: MALFORMED,
        headers: { ...headers, [name]: insertAt(text(name), at, control) },
      })),
    fc.tuple(header, fc.boolean(), fc.integer({ min: 2, max: 4 })).map(([name, same, times]) => ({
      kind: 'repeated-header' as const,
      expected: MALFORMED,
      headers: {
        ...headers,
        [name]: Array.from({ length: times }, (_, i) => (same || i === 0 ? text(name) : `${text(name)}-${i}`)),
      },
    })),
    fc.tuple(header, fc.nat(), fc.constantFrom(...BAD_UTF8)).map(([name, at, bytes]) => {
      const valid = Buffer.from(text(name));
      const cut = at % (valid.length + 1);
      return {
        kind: 'non-utf8-header' as const,
        expected: MALFORMED,
        headers: {
          ...headers,
          [name]: Buffer.concat([valid.subarray(0, cut), Buffer.from(bytes), valid.subarray(cut)]),
        },
      };
    }),
    fc.integer({ min: 257, max: 4000 }).map((length) => ({
      kind: 'long-header' as const,
      expected: MALFORMED,
      headers: { ...headers, [HEADER.eventId]: 'e'.repeat(length) },
    })),
    fc.constantFrom(HEADER.eventId, HEADER.eventType, HEADER.schemaVersion, HEADER.occurredAt).map((name) => {
      const { [name]: _missing, ...rest } = headers;
      return { kind: 'missing-header' as const, expected: MALFORMED, headers: rest };
    }),
    fc.stringMatching(/^[A-Z][a-zA-Z]{2,30}$/).map((name) => ({
      kind: 'unknown-type' as const,
      expected: ['unknown-type'] as const,
      headers: { ...headers, [HEADER.eventType]: `Hostile${name}` },
    })),
    fc.integer({ min: template.schemaVersion + 1, max: 999_999 }).map((version) => ({
      kind: 'newer-version' as const,
      expected: ['unknown-version'] as const,
      headers: { ...headers, [HEADER.schemaVersion]: String(version) },
    })),
    fc.integer({ min: 530_000, max: 600_000 }).map((size) => ({
      kind: 'oversized' as const,
      expected: UNREADABLE,
      payload: { ...template.payload, padding: 'p'.repeat(size) },
    })),
    fc
      .constantFrom<Buffer | null>(
        null,
        Buffer.alloc(0),
        Buffer.from('{"truncated": '),
        Buffer.from('not json'),
        Buffer.from('[1, 2,]'),
      )
      .map((value) => ({ kind: 'not-json' as const, expected: UNREADABLE, value })),
    fc.tuple(fc.nat(), fc.constantFrom(...BAD_UTF8)).map(([at, bytes]) => {
      const valid = Buffer.from(JSON.stringify(template.payload));
      const cut = 1 + (at % (valid.length - 1)); // inside the JSON text, so only the bytes are wrong
      return {
        kind: 'non-utf8-value' as const,
        expected: UNREADABLE,
        value: Buffer.concat([valid.subarray(0, cut), Buffer.from(bytes), valid.subarray(cut)]),
      };
    }),
    fc.tuple(field, fc.nat()).map(([name, at]) => ({
      kind: 'nul-value' as const,
      expected: INVALID,
      payload: withField(name, insertAt(String(template.payload[name]), at, '\u0000')),
    })),
    fc.tuple(field, fc.constantFrom('\ud800', '\udfff', 'x\udbff', '\udc00y')).map(([name, lone]) => ({
      kind: 'lone-surrogate' as const,
      expected: INVALID,
      payload: withField(name, `${String(template.payload[name])}${lone}`),
    })),
    ...(badIdEntries.length > 0
      ? [
          fc
            .constantFrom(...badIdEntries)
            .map(([name, value]) => ({
              kind: 'id-out-of-range' as const,
              expected: INVALID,
              payload: withField(name, value),
            })),
        ]
      : []),
    fc
      .tuple(
        fc.integer({ min: 40, max: 5000 }),
        fc.constantFrom<'[' | '{"a":'>('[', '{"a":'),
        fc.option(field, { nil: undefined }),
      )
      .map(([depth, open, name]) => {
        const deep = deepJson(depth, open);
        // either the whole value, or one required field, is the deep structure
        const value =
          name === undefined ? deep : JSON.stringify(withField(name, 0)).replace(`"${name}":0`, `"${name}":${deep}`);
        return { kind: 'deep-json' as const, expected: INVALID, value: Buffer.from(value) };
      }),
    fc
      .tuple(
        field,
        fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant({ nested: true })),
      )
      .map(([name, value]) => ({
        kind: 'wrong-type' as const,
        expected: INVALID,
        payload: withField(name, value),
      })),
  ];
}

/**
 * `count` hostile messages of a topic (every kind at least once when `count` allows), deterministic for a seed.
 * Each carries a fresh event id unless its kind breaks that header.
 */
export function hostileMessages(
  template: ValidTemplate,
  options: { count: number; seed: number; idPrefix: string },
): HostileMessage[] {
  const out: HostileMessage[] = [];
  for (let i = 0; out.length < options.count; i++) {
    const id = `${options.idPrefix}-${out.length}`;
    const headers = validHeaders(template, `${id}-event`);
    const arbitraries = mutations(template, headers);
    // the first messages take each kind in turn, then fast-check picks among them all
    const arbitrary = i < arbitraries.length ? arbitraries[i] : fc.oneof(...arbitraries);
    const [mutation] = fc.sample(arbitrary, { seed: options.seed + i, numRuns: 1 });
    const value =
      mutation.value !== undefined ? mutation.value : Buffer.from(JSON.stringify(mutation.payload ?? template.payload));
    out.push({
      id,
      kind: mutation.kind,
      expected: mutation.expected,
      key: template.key,
      value,
      headers: { ...(mutation.headers ?? headers), [HOSTILE_ID_HEADER]: id },
    });
  }
  return out;
}
