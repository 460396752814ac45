/**
 * Whether a handler's failure may go away by itself. A consumer runner retries retryable failures with backoff
 * (bounded), and dead-letters the others at once: retrying a broken business rule or a bad payload only delays the
 * partition behind it. Classification is by shape, not by class, so errors from any client library (and from
 * another copy of this package) are recognised without importing those libraries.
 */

/** Throw (or wrap a cause in) this to say "try again later": a dependency is down, a lock is busy, a race lost. */
export class RetryableError extends Error {
  readonly retryable = true as const;
  /** A hint for the backoff, e.g. from a Retry-After; the runner may wait longer, never shorter. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** The opposite marker: never retry, even if the error looks transient (e.g. a permanent 4xx from a partner). */
export class NonRetryableError extends Error {
  readonly retryable = false as const;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NonRetryableError';
  }
}

export type FailureClass = 'retryable' | 'permanent';

/** Codes of errors that say "the same work may succeed later", whichever library raised them. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  // Our event store: another writer appended first; reload and decide again.
  'CONCURRENCY_CONFLICT',
  // PostgreSQL SQLSTATEs: serialization failure, deadlock, lock not available, query cancelled (statement timeout),
  // too many connections, out of memory/disk transiently, server shutting down, cannot connect now.
  '40001', '40P01', '55P03', '57014', '53300', '53200', '53100', '57P01', '57P02', '57P03',
  // Node.js network errors.
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);

/** PostgreSQL class 08 (connection exception): the connection broke, the work did not happen or rolled back. */
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;
/** node-postgres pool and client failures that carry no code, recognised by their (stable) messages. */
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * PostgreSQL SQLSTATEs a message's content causes, so no retry can help: class 22 (data exception: NUL in text
 * 22021, `\u0000` in jsonb 22P05, out-of-range numbers...), class 54 (program limit: too large, too deep, too
 * complex) and 08P01, the protocol violation a NUL inside a simple-protocol query string causes. Checked before the
 * class-08 rule: a real connection loss never answers 08P01 (the socket is gone).
 */
const CONTENT_SQLSTATE = /^(22[0-9A-Z]{3}|54[0-9A-Z]{3}|08P01)$/;

/** Whether a failure (or one of its causes) was caused by the data handled rather than by an outage. */
export function isCausedByContent(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; depth < 8 && isObject(current) && !seen.has(current); depth++) {
    seen.add(current);
    const code = current['code'];
    if (typeof code === 'string' && CONTENT_SQLSTATE.test(code)) return true;
    current = current['cause'];
  }
  return false;
}

/** Looks through `cause` chains (bounded, cycles ignored) for a retryable marker or code. */
export function isRetryable(error: unknown): boolean {
  return classifyFailure(error) === 'retryable';
}

export function classifyFailure(error: unknown): FailureClass {
  if (isCausedByContent(error)) return 'permanent';
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; depth < 8 && isObject(current) && !seen.has(current); depth++) {
    seen.add(current);
    // An explicit marker decides: ours (`retryable`), or a client's own (`retriable`, as kafkajs errors carry).
    const marker = current['retryable'] ?? current['retriable'];
    if (typeof marker === 'boolean') return marker ? 'retryable' : 'permanent';
    const code = current['code'];
    if (typeof code === 'string' && (RETRYABLE_CODES.has(code) || CONNECTION_EXCEPTION.test(code))) return 'retryable';
    if (typeof current['message'] === 'string' && CONNECTION_MESSAGES.test(current['message'])) return 'retryable';
    current = current['cause'];
  }
  return 'permanent';
}

/** The error's class name for dead-letter headers and metrics (`Error` for non-errors). */
export function errorClassOf(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error === 'object' && error !== null ? (error.constructor?.name ?? 'Object') : typeof error;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
