import { JsonTooDeep, MAX_JSON_DEPTH, jsonBytesDepthExceeds, jsonDepthExceeds, rejectDeepJson } from './json-depth';
import type { IncomingMessage, ServerResponse } from 'node:http';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('JSON depth check', () => {
  it('lets a body as deep as the limit through and refuses one level more', () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(true);
  });

  it('counts depth, not the number of brackets: long flat arrays are fine', () => {
    expect(jsonDepthExceeds(JSON.stringify({ items: Array.from({ length: 5000 }, () => ({ a: [1, 2] })) }))).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ text: nested(1000) }))).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ text: `"\\${nested(1000)}` }))).toBe(false);
    expect(jsonDepthExceeds(`{"a\\"":${nested(MAX_JSON_DEPTH)}}`)).toBe(true);
  });

  it('scans 100,000 levels without recursion', () => {
    expect(jsonDepthExceeds(nested(100_000))).toBe(true);
  });

  it('reads UTF-8 bytes as it reads the text: multi-byte characters beside quotes and brackets change nothing', () => {
    const samples = [
      nested(MAX_JSON_DEPTH), nested(MAX_JSON_DEPTH + 1), JSON.stringify({ 'ключ"[': ['ж', { '🍕': `"\\${nested(40)}` }] }),
      `{"é\\":${nested(MAX_JSON_DEPTH)}}`, `{"ü\\"":${nested(MAX_JSON_DEPTH)}}`, `["\u00e9[", "😀]]]", ${nested(MAX_JSON_DEPTH - 1)}]`,
    ];
    for (const text of samples) expect(jsonBytesDepthExceeds(Buffer.from(text, 'utf8'))).toBe(jsonDepthExceeds(text));
  });

  it('throws from the body parser hook with 400 and its own type, in any encoding body-parser accepts', () => {
    const hook = (text: string, encoding: string) => () =>
      rejectDeepJson({} as IncomingMessage, {} as ServerResponse, Buffer.from(text, encoding === 'utf-16le' ? 'utf16le' : 'utf8'), encoding);
    expect(hook(nested(3000), 'utf-8')).toThrow(JsonTooDeep);
    expect(hook(nested(3000), 'utf-16le')).toThrow(expect.objectContaining({ status: 400, type: 'entity.too.deep' }));
    expect(hook('{"a":[1]}', 'utf-8')).not.toThrow();
    expect(hook(nested(3000), 'x-unknown')).not.toThrow();
  });
});
