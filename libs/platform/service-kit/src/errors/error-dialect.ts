import type { DocumentedErrorDialect } from '../http/openapi-document';
import type { DescribedError, ErrorEnvelope } from './error-envelope';

/** What a dialect answers: the status and body it words an error with. */
export interface DialectAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * How a family of routes words its errors. `describeError` stays the one classifier of what went wrong (status, codes,
 * fields); a dialect only says it the way another API does, for routes that mirror that API (Market's façade and
 * Market's notifications). It also sees the exception, for distinctions the envelope does not carry.
 */
export type ErrorDialect = (
  described: DescribedError,
  context: { readonly exception: unknown; readonly requestId?: string },
) => DialectAnswer;

/**
 * Routes that speak a dialect, by path (query excluded). The path decides, not the controller: errors raised before
 * any route is chosen (a body the JSON parser refuses, one over the size limit) belong to the same API. Given to
 * `ServiceKitModule.forRoot(..., { errorDialects })`; the first whose `paths` matches speaks.
 */
export interface ErrorDialectRoutes {
  readonly name: string;
  readonly paths: RegExp;
  readonly dialect: ErrorDialect;
  /** The dialect's error body in the OpenAPI document (its component name and schema) and the statuses it answers. */
  readonly documented?: Omit<DocumentedErrorDialect, 'paths'>;
}

export const ERROR_DIALECTS = Symbol('ERROR_DIALECTS');

/** The platform's own dialect (api-conventions.md, "Errors"): every route that names no other speaks it. */
export const envelopeDialect: ErrorDialect = (described, { requestId }) => {
  const body: ErrorEnvelope = { status: 'ERROR', errors: described.errors, request_id: requestId };
  return { status: described.httpStatus, body };
};
