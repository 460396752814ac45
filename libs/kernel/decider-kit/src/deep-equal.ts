// Structural comparison for specs, with jest's `toEqual` leniency: properties holding `undefined` count as absent.

export interface Difference {
  /** Where the values part, e.g. `[1].data.total`; empty for the root. */
  readonly path: string;
  readonly expected: unknown;
  readonly received: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

const definedKeys = (value: Record<string, unknown>): string[] =>
  Object.keys(value).filter((key) => value[key] !== undefined).sort();

/** The first place where `received` differs from `expected`, or undefined when they are equal. */
export function firstDifference(expected: unknown, received: unknown, path = ''): Difference | undefined {
  if (Object.is(expected, received)) return undefined;
  if (expected instanceof Date || received instanceof Date) {
    const same = expected instanceof Date && received instanceof Date && expected.getTime() === received.getTime();
    return same ? undefined : { path, expected, received };
  }
  if (Array.isArray(expected) || Array.isArray(received)) {
    if (!Array.isArray(expected) || !Array.isArray(received)) return { path, expected, received };
    const length = Math.max(expected.length, received.length);
    for (let i = 0; i < length; i++) {
      if (i >= expected.length || i >= received.length) {
        return { path: `${path}[${i}]`, expected: expected[i], received: received[i] };
      }
      const inner = firstDifference(expected[i], received[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (isPlainObject(expected) && isPlainObject(received)) {
    const keys = new Set([...definedKeys(expected), ...definedKeys(received)]);
    for (const key of [...keys].sort()) {
      const inner = firstDifference(expected[key], received[key], path ? `${path}.${key}` : key);
      if (inner) return inner;
    }
    return undefined;
  }
  return { path, expected, received };
}

export function deepEqual(expected: unknown, received: unknown): boolean {
  return firstDifference(expected, received) === undefined;
}

/** Readable, stable rendering for failure messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, null, 2) ?? String(value);
}
