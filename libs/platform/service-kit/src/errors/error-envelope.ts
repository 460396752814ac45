import { HttpException } from '@nestjs/common';
import { DomainError } from '@orders/decider-kit';
import { ConcurrencyError, IdempotencyKeyReused } from '@orders/event-store';
import { isNotFoundCode } from './not-found';

export interface ErrorItem {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  /** What the error is about, when a code alone does not say it: 404s carry `{resource, id}`. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The one error body of every service (api-conventions.md, "Errors"). */
export interface ErrorEnvelope {
  readonly status: 'ERROR';
  readonly errors: readonly ErrorItem[];
  readonly request_id?: string;
}

export interface DescribedError {
  readonly httpStatus: number;
  readonly errors: readonly ErrorItem[];
  /** True for a 5xx the service did not expect: a bug or an unclassified failure, worth an error log. */
  readonly unexpected: boolean;
}

/** Field errors found at the edge; answered with 422 VALIDATION_FAILED before any state is read. */
export class RequestValidationError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly fields: readonly ErrorItem[]) {
    super(`${fields.length} invalid field${fields.length === 1 ? '' : 's'}: ${fields.map((f) => f.field).join(', ')}`);
    this.name = 'RequestValidationError';
  }
}

const codeByStatus: Record<number, string> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE', 409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED', 429: 'LIMIT_EXCEEDED', 503: 'SERVICE_UNAVAILABLE',
};
const statusCode = (status: number): string => codeByStatus[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null;
const domainCode = /^[A-Z][A-Z0-9_]*$/;

/**
 * A domain error is recognised by class: the kernel's DomainError, and the event store's two conflicts a caller can
 * cause (a stale version, a reused idempotency key). Never by shape: Node, pg and library errors carry upper-case
 * codes too (`ERR_INVALID_CHAR`, `ERR_OUT_OF_RANGE`), and answering those 409 with their message hid bugs and
 * leaked internals.
 */
type DomainLike = Error & { code: string; field?: unknown; httpStatus?: unknown; details?: unknown };

function isDomainError(error: unknown): error is DomainLike {
  const known = error instanceof DomainError || error instanceof ConcurrencyError || error instanceof IdempotencyKeyReused;
  return known && domainCode.test(error.code);
}

/**
 * Every "not found" leaves as 404 NOT_FOUND (api-conventions.md): a domain's own code (`DELIVERY_NOT_FOUND`) becomes
 * the resource in `details`, with the id when the error carried one. Routes that know their path name the resource
 * and id precisely with `@NotFoundAs`; this is the answer for any that do not.
 */
function notFoundItem(item: ErrorItem): ErrorItem {
  if (item.code === 'NOT_FOUND' && item.details) return item;
  const resource = item.code.replace(/_?NOT_FOUND$/, '').toLowerCase() || undefined;
  const details = item.details ?? {};
  const namedId = Object.entries(details).find(([key, value]) => /Id$/.test(key) && typeof value === 'string')?.[1];
  const id = details.id ?? namedId;
  const described = { ...(resource ? { resource } : {}), ...(id === undefined ? {} : { id }) };
  const withDetails = Object.keys(described).length > 0 ? { details: described } : {};
  return { code: 'NOT_FOUND', message: item.message, ...withDetails };
}

/** Statuses a domain error may ask for explicitly; anything else would let the domain claim a server failure. */
const DOMAIN_STATUSES = new Set([403, 404, 409, 422]);

/**
 * 404 for things that are not there, 403 for a missing licence or permission, 422 for rule-level field problems,
 * 409 for every other broken precondition.
 */
export function domainErrorStatus(error: { code: string; httpStatus?: unknown }): number {
  if (typeof error.httpStatus === 'number' && DOMAIN_STATUSES.has(error.httpStatus)) return error.httpStatus;
  if (/(^|_)NOT_FOUND$/.test(error.code)) return 404;
  if (/^(LICENSE_REQUIRED|FORBIDDEN)$/.test(error.code)) return 403;
  // A state precondition despite its INVALID_ prefix: 409 (api-conventions.md), not a field value's 422.
  if (error.code === 'INVALID_STATE_TRANSITION') return 409;
  if (/^(VALIDATION_FAILED|REQUIRED_FIELD|FIELD_TOO_LONG|OUT_OF_RANGE|INVALID_.*|.*_REQUIRED)$/.test(error.code)) return 422;
  return 409;
}

// Connection-level failures of PostgreSQL (class 08, shutdown 57P0x, too many connections) and of sockets.
const unavailableCodes = /^(08...|57P0[1-3]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/;

function isDependencyUnavailable(error: unknown): boolean {
  if (!isObject(error)) return false;
  const code = (isObject(error.driverError) ? error.driverError.code : undefined) ?? error.code;
  if (typeof code === 'string' && unavailableCodes.test(code)) return true;
  // kafkajs marks connection and broker availability failures as retriable.
  return typeof error.name === 'string' && error.name.startsWith('KafkaJS') && error.retriable === true;
}

// body-parser reports its failures as plain errors with a `type`.
function bodyParserError(error: unknown): DescribedError | undefined {
  if (!isObject(error) || typeof error.type !== 'string') return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return { httpStatus: 413, errors: [{ code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than the limit' }], unexpected: false };
    case 'entity.parse.failed':
      return { httpStatus: 400, errors: [{ code: 'BAD_REQUEST', message: 'request body is not valid JSON' }], unexpected: false };
    case 'entity.too.deep':
      return { httpStatus: 400, errors: [{ code: 'BAD_REQUEST', message: String(error.message) }], unexpected: false };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { httpStatus: 415, errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: String(error.message) }], unexpected: false };
    default:
      return undefined;
  }
}

function httpExceptionItems(exception: HttpException): ErrorItem[] {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (isObject(body) && Array.isArray(body.errors)) return body.errors as ErrorItem[];
  const code = isObject(body) && typeof body.code === 'string' ? body.code : statusCode(status);
  const message = isObject(body) ? body.message : body;
  const messages = Array.isArray(message) ? message.map(String) : [typeof message === 'string' ? message : exception.message];
  return messages.map((text) => ({ code, message: text }));
}

/** Maps anything thrown while serving a request to a status and the envelope's error items. */
export function describeError(exception: unknown): DescribedError {
  if (exception instanceof RequestValidationError) {
    return { httpStatus: 422, errors: [{ code: 'VALIDATION_FAILED', message: exception.message }, ...exception.fields], unexpected: false };
  }
  const parserError = bodyParserError(exception);
  if (parserError) return parserError;
  if (exception instanceof HttpException) {
    const httpStatus = exception.getStatus();
    const items = httpExceptionItems(exception);
    const notFound = (item: ErrorItem): ErrorItem => (isNotFoundCode(item.code) ? notFoundItem(item) : item);
    const errors = httpStatus === 404 ? items.map(notFound) : items;
    return { httpStatus, errors, unexpected: httpStatus >= 500 && httpStatus !== 503 };
  }
  if (isDependencyUnavailable(exception)) {
    return { httpStatus: 503, errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'a dependency is unavailable; retry later' }], unexpected: false };
  }
  if (isDomainError(exception)) {
    const field = typeof exception.field === 'string' ? { field: exception.field } : {};
    const httpStatus = domainErrorStatus(exception);
    const item: ErrorItem = { code: exception.code, message: exception.message, ...field };
    if (httpStatus !== 404 || !isNotFoundCode(exception.code)) return { httpStatus, errors: [item], unexpected: false };
    const details = isObject(exception.details) ? { details: exception.details } : {};
    return { httpStatus, errors: [notFoundItem({ ...item, ...details })], unexpected: false };
  }
  // The cause goes to the log, never to the client.
  return { httpStatus: 500, errors: [{ code: 'INTERNAL_ERROR', message: 'internal error' }], unexpected: true };
}
