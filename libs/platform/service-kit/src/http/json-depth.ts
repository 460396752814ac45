import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Deepest JSON nesting a request body may have. Our deepest DTO is four levels (body, items, item, value); 32
 * leaves room for arrays of arrays, and stays far below where class-transformer's recursion overflows the stack
 * (about 3,000 levels, which answered 500).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * True when the JSON text nests objects and arrays deeper than `max`. A single pass over the characters, counting
 * brackets outside strings: no parse, no reviver, no recursion, so hostile depth costs only its length.
 */
export function jsonDepthExceeds(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // a backslash escapes the next character, a quote included
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > max) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * The same check on UTF-8 bytes, without decoding them first: every byte of a multi-byte UTF-8 character is 0x80 or
 * above, so the quotes, backslashes and brackets the scan looks for are the single bytes they are in the text.
 */
export function jsonBytesDepthExceeds(bytes: Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** body-parser's error shape: the error filter answers `entity.too.deep` with 400, like malformed JSON. */
export class JsonTooDeep extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  constructor(max: number) {
    super(`request body nests deeper than ${max} levels`);
    this.name = 'JsonTooDeep';
  }
}

/**
 * The JSON body parser's `verify` hook: runs on the raw bytes before JSON.parse, so a deep body never reaches
 * class-transformer. body-parser accepts only UTF-8, UTF-16 and UTF-32 JSON, which TextDecoder reads; UTF-8 (nearly
 * every request) is scanned as bytes, without a copy decoded only to be scanned and thrown away.
 */
export function rejectDeepJson(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string | null): void {
  const label = (encoding ?? 'utf-8').toLowerCase();
  if (label === 'utf-8' || label === 'utf8') {
    if (jsonBytesDepthExceeds(body)) throw new JsonTooDeep(MAX_JSON_DEPTH);
    return;
  }
  let text: string;
  try {
    text = new TextDecoder(label).decode(body);
  } catch {
    return; // an encoding TextDecoder does not know: body-parser answers 415 for it right after
  }
  if (jsonDepthExceeds(text)) throw new JsonTooDeep(MAX_JSON_DEPTH);
}
