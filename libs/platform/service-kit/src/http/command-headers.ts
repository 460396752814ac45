import { RequestValidationError } from '../errors/error-envelope';

/**
 * The one rule set for the headers that shape a command (apps/README.md, "Command headers"). Every service reads
 * them here, so the same fault answers the same status and code everywhere: a header that is present but cannot
 * be read is a field error, 422 VALIDATION_FAILED naming the header, before any state is looked at.
 */

export const IF_MATCH = 'If-Match';
export const IDEMPOTENCY_KEY = 'Idempotency-Key';

/** Long enough for a UUID with a prefix or a hash; short enough to index and to log. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

type HeaderValue = string | string[] | undefined;

// Versions are stream positions; 15 digits stay below Number.MAX_SAFE_INTEGER, so no version is read wrongly.
const VERSION_TAG = /^(?:W\/)?"?(\d{1,15})"?$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

const invalid = (field: string, message: string, code = 'INVALID_VALUE'): RequestValidationError =>
  new RequestValidationError([{ code, field, message }]);

/**
 * `If-Match: "3"` (the ETag a GET returned), `W/"3"` or a bare `3` makes the write conditional on that version.
 * Absent or `*` (any current version) sets no condition. Anything else, including an empty value, a list of tags
 * or a repeated header, is refused: a condition the caller meant to set must never be dropped silently.
 */
export function expectedVersionOf(value: HeaderValue): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? undefined : value.trim();
  if (text === '*') return undefined;
  const match = text === undefined ? null : VERSION_TAG.exec(text);
  if (!match) throw invalid(IF_MATCH, 'If-Match must be one stream version, e.g. "3"');
  return Number(match[1]);
}

/**
 * A write's version may also come in its body (intake's `expectedVersion`): either alone, or both when they agree.
 */
export function agreedExpectedVersion(
  fromHeader: number | undefined, fromBody: number | undefined, bodyField: string,
): number | undefined {
  if (fromHeader === undefined) return fromBody;
  if (fromBody !== undefined && fromBody !== fromHeader) throw invalid(bodyField, `${bodyField} and If-Match disagree`);
  return fromHeader;
}

/**
 * `Idempotency-Key`: 1 to 128 visible ASCII characters (no spaces, so a repeated header, which Node joins with
 * ", ", is refused too). Returns the key scoped to the caller: two principals choosing the same key never collide,
 * and nobody can replay another's answer. Principal ids contain no ':' (API_KEYS separates fields with it).
 */
export function scopedIdempotencyKey(principalId: string, value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !VISIBLE_ASCII.test(value)) {
    const limit = MAX_IDEMPOTENCY_KEY_LENGTH;
    throw invalid(IDEMPOTENCY_KEY, `Idempotency-Key must be 1 to ${limit} visible ASCII characters`);
  }
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    const limit = MAX_IDEMPOTENCY_KEY_LENGTH;
    throw invalid(IDEMPOTENCY_KEY, `Idempotency-Key must be at most ${limit} characters`, 'FIELD_TOO_LONG');
  }
  return `${principalId}:${value}`;
}

/** The ETag of a stream version, as `expectedVersionOf` reads it back. */
export const etagOf = (version: number): string => `"${version}"`;
