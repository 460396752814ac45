/**
 * Credentials never reach a log line: not in headers, not in a query string (some integrators put their key in the
 * URL, `?apikey=`), not in an error message that quotes the URL. Names are matched, not values, so a new header such
 * as `X-Partner-Token` is caught by its name without a list to keep up to date.
 */

export const REDACTED = '[redacted]';

// Exact names that carry secrets without saying so, then any name that says "key", "token", "secret", ...
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const CREDENTIAL_HEADER_WORDS = /(api[-_]?key|token|secret|password|passwd|session|signature|credential|auth)/i;
const CREDENTIAL_QUERY_NAMES = new Set(['key', 'sig', 'code', 'auth', 'pass', 'pwd', 'jwt', 'bearer']);
// `apikey` is Track & Trace's position push credential; `oauth`/`authorization` cover the other spellings of a
// token some clients put in the URL when a header is awkward for them.
const CREDENTIAL_QUERY_WORDS =
  /(api[-_]?key|token|secret|password|passwd|signature|credential|session|oauth|authori[sz]ation)/i;

export const isCredentialHeader = (name: string): boolean =>
  CREDENTIAL_HEADERS.has(name.toLowerCase()) || CREDENTIAL_HEADER_WORDS.test(name);

export const isCredentialParameter = (name: string): boolean =>
  CREDENTIAL_QUERY_NAMES.has(name.toLowerCase()) || CREDENTIAL_QUERY_WORDS.test(name);

/** A copy of the headers with credential values replaced; the request's own object is left alone. */
export function redactHeaders<T>(headers: Record<string, T> | undefined): Record<string, T | string> | undefined {
  if (!headers || typeof headers !== 'object') return headers;
  const redact = ([name, value]: [string, T]): [string, T | string] => [name, isCredentialHeader(name) ? REDACTED : value];
  return Object.fromEntries(Object.entries(headers).map(redact));
}

/** A copy of a parsed query with credential parameters replaced. */
export function redactQuery<T>(query: Record<string, T> | undefined): Record<string, T | string> | undefined {
  if (!query || typeof query !== 'object') return query;
  const redact = ([name, value]: [string, T]): [string, T | string] => [name, isCredentialParameter(name) ? REDACTED : value];
  return Object.fromEntries(Object.entries(query).map(redact));
}

/**
 * The URL with credential parameters' values replaced, the rest byte for byte (no re-encoding, so the log shows
 * what was sent). A parameter name is compared decoded, so `api%5Fkey` is caught too.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return url;
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return url;
  const fragmentAt = url.indexOf('#', queryAt);
  const end = fragmentAt < 0 ? url.length : fragmentAt;
  const query = url.slice(queryAt + 1, end).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    return isCredentialParameter(decodeName(rawName)) ? `${rawName}=${REDACTED}` : pair;
  }).join('&');
  return `${url.slice(0, queryAt)}?${query}${url.slice(end)}`;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
