/** What makes a JavaScript string unfit to store or send on: PostgreSQL text and jsonb, and Kafka's UTF-8, refuse them. */
export type TextProblem = 'NUL character' | 'lone UTF-16 surrogate';

export interface BrokenText {
  /** Dotted path of the value (or of the key) at fault, as validation errors name fields: `items.0.name`. */
  readonly field: string;
  readonly problem: TextProblem;
  /** True when the field's name, not its value, holds the broken text. */
  readonly inKey: boolean;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(text: string): TextProblem | undefined {
  if (text.includes('\u0000')) return 'NUL character';
  if (LONE_SURROGATE.test(text)) return 'lone UTF-16 surrogate';
  return undefined;
}

// Field names may themselves be hostile; the path names them printable, so error bodies and logs stay readable.
const printable = (key: string): string => (textProblem(key) ? JSON.stringify(key).slice(1, -1) : key);
const join = (parent: string, key: string | number): string => (parent ? `${parent}.${printable(String(key))}` : printable(String(key)));

/**
 * The first string (or key) in a parsed request part that holds a NUL or a lone surrogate. Walks with an explicit
 * stack, not recursion: depth is bounded by the JSON parser's check, but a walk must not be what overflows.
 */
export function findBrokenText(value: unknown, root = ''): BrokenText | undefined {
  const stack: [unknown, string][] = [[value, root]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [current, field] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { field: field || 'body', problem, inKey: false };
    } else if (typeof current === 'object' && current !== null && !seen.has(current)) {
      seen.add(current);
      const entries: [string | number, unknown][] = Array.isArray(current) ? current.map((item, index) => [index, item]) : Object.entries(current);
      // Reversed onto the stack, so the first broken field in document order is the one reported.
      for (const [key, item] of entries.reverse()) {
        const problem = typeof key === 'string' ? textProblem(key) : undefined;
        if (problem) return { field: join(field, key), problem, inKey: true };
        stack.push([item, join(field, key)]);
      }
    }
  }
  return undefined;
}
