import { HEADER } from './envelope';
import type { FieldError } from './validation';

/*
 * What text from outside may hold before anything of ours stores or compares it. PostgreSQL refuses NUL in text and
 * jsonb (22021, 22P05; inside a simple-protocol query it even breaks the protocol, 08P01), and a lone UTF-16
 * surrogate cannot be encoded as UTF-8 at all (Node writes U+FFFD, so the stored id is not the one sent). One set of
 * rules for the contract decoder, the messaging library's envelope guard and the hot-path decoders.
 */

/** Longest envelope header value accepted (the schema bounds ids at 128; traceparent at 256). */
export const MAX_ENVELOPE_HEADER_LENGTH = 256;

/** Largest message value decoded (the broker's default limit is 1 MiB; our largest payloads are a few KiB). */
export const MAX_VALUE_BYTES = 512 * 1024;

/** Deepest JSON nesting accepted in a payload (ours nest three levels; PostgreSQL's jsonb has a stack limit). */
export const MAX_JSON_DEPTH = 32;

/** C0 controls (NUL included), DEL and C1 controls: never part of an id, a type name or a timestamp. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a header-like text (an id, a type name) is unusable, or undefined: control characters, lone surrogates, length. */
export function textProblem(text: string, maxLength = MAX_ENVELOPE_HEADER_LENGTH): string | undefined {
  if (text.length > maxLength) return `longer than ${maxLength} characters`;
  if (hasControl(text)) return 'holds a control character';
  if (LONE_SURROGATE.test(text)) return 'holds a lone surrogate';
  return undefined;
}

/** The bytes as strict UTF-8 text (a fatal decoder: no replacement characters), or why they are not. */
export function strictText(
  value: Buffer | Uint8Array | string,
  maxLength = MAX_ENVELOPE_HEADER_LENGTH,
): { text: string } | { problem: string } {
  if (typeof value !== 'string' && value.length > maxLength * 4)
    return { problem: `longer than ${maxLength} characters` };
  let text: string;
  try {
    text = typeof value === 'string' ? value : utf8.decode(value);
  } catch {
    return { problem: 'not UTF-8 text' };
  }
  const problem = textProblem(text, maxLength);
  return problem === undefined ? { text } : { problem };
}

/** A header value as Kafka clients hand it over (a repeated header arrives as an array). */
export type RawHeaderValue = string | Buffer | ReadonlyArray<string | Buffer> | undefined;

const ENVELOPE_HEADERS: readonly string[] = Object.values(HEADER);

/**
 * The envelope headers as strings, each exactly once, strict UTF-8, without control characters or lone surrogates,
 * and bounded; `problems` names each header that breaks a rule. Other headers are not ours to judge (a producer may
 * add binary ones) and are left out.
 */
export function readEnvelopeHeaders(headers: Readonly<Record<string, RawHeaderValue>> | undefined): {
  strings: Record<string, string>;
  problems: FieldError[];
} {
  const strings: Record<string, string> = {};
  const problems: FieldError[] = [];
  if (!headers) return { strings, problems };
  for (const name of ENVELOPE_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    // a repeated envelope header is ambiguous even with equal values: clients disagree on which one they read
    if (Array.isArray(raw) && raw.length !== 1) {
      problems.push({
        field: name,
        code: 'REPEATED_HEADER',
        message: `sent ${raw.length} times; exactly one value is allowed`,
      });
      continue;
    }
    const read = strictText((Array.isArray(raw) ? raw[0] : raw) as string | Buffer);
    if ('problem' in read) problems.push({ field: name, code: 'INVALID_HEADER', message: read.problem });
    else strings[name] = read.text;
  }
  return { strings, problems };
}

/**
 * The first envelope problem as one line (a dead letter's reason), or undefined when the envelope is readable. The
 * same rules as readEnvelopeHeaders without making strings: it runs on every consumed message, the positions hot
 * path included, where headers are nearly always short printable ASCII (checked byte by byte, nothing allocated).
 */
export function envelopeProblem(headers: Readonly<Record<string, RawHeaderValue>> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name of ENVELOPE_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    if (Array.isArray(raw) && raw.length !== 1)
      return `header ${name}: sent ${raw.length} times; exactly one value is allowed`;
    const value = (Array.isArray(raw) ? raw[0] : raw) as string | Buffer;
    const problem = typeof value === 'string' ? textProblem(value) : bytesProblem(value);
    if (problem !== undefined) return `header ${name}: ${problem}`;
  }
  return undefined;
}

/** strictText's verdict on bytes; printable ASCII is settled without decoding. */
function bytesProblem(bytes: Buffer | Uint8Array, maxLength = MAX_ENVELOPE_HEADER_LENGTH): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte === 0x7f) return 'holds a control character';
    if (byte >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return bytes.length > maxLength ? `longer than ${maxLength} characters` : undefined;
  const read = strictText(bytes, maxLength);
  return 'problem' in read ? read.problem : undefined;
}

/**
 * Why a parsed payload cannot be stored faithfully, or undefined: nesting deeper than `maxDepth`, or a string (value
 * or property name) holding NUL or a lone surrogate. Other control characters are fine in payload text (a comment
 * may hold a line break). Iterative, so a hostile depth cannot overflow the stack.
 */
export function payloadProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): FieldError | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { field: '', code: 'INVALID_CHARACTERS', message: 'a string holds NUL' };
      if (LONE_SURROGATE.test(current))
        return { field: '', code: 'INVALID_CHARACTERS', message: 'a string holds a lone surrogate' };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return { field: '', code: 'TOO_DEEP', message: `nested deeper than ${maxDepth} levels` };
    const children = Array.isArray(current) ? current : Object.entries(current).flat();
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
