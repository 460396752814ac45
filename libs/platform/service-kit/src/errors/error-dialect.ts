import { ArgumentsHost, Catch, ExceptionFilter, Logger, type Type } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import type { TracedRequest } from '../http/request-ids';
import { redactUrl } from '../logging/redaction';
import { type DescribedError, type ErrorEnvelope, describeError } from './error-envelope';

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

/** The platform's own dialect (api-conventions.md, "Errors"): every route that names no other speaks it. */
export const envelopeDialect: ErrorDialect = (described, { requestId }) => {
  const body: ErrorEnvelope = { status: 'ERROR', errors: described.errors, request_id: requestId };
  return { status: described.httpStatus, body };
};

/** Logs what nobody expected, then writes the dialect's answer (or cuts a response already under way). */
function answer(exception: unknown, host: ArgumentsHost, dialect: ErrorDialect, logger: Logger): void {
  const http = host.switchToHttp();
  const request = http.getRequest<TracedRequest>();
  const response = http.getResponse<ServerResponse>();
  const described = describeError(exception);
  if (described.unexpected) {
    const stack = exception instanceof Error ? exception.stack : String(exception);
    // The URL may carry a key in its query string (`?apikey=`): the error log shows it redacted.
    logger.error(`unexpected error on ${request.method} ${redactUrl(request.url)} (request ${request.id})`, stack);
  }
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const requestId = request.id === undefined ? undefined : String(request.id);
  const { status, body } = dialect(described, { exception, requestId });
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

/**
 * An exception filter speaking `dialect`, for `@UseFilters(...)` on the controllers of the routes that speak it.
 * A controller's filter also answers for the guards and pipes of its routes (the API-key guard included).
 */
export function errorDialectFilter(name: string, dialect: ErrorDialect): Type<ExceptionFilter> {
  @Catch()
  class DialectFilter implements ExceptionFilter {
    private readonly logger = new Logger('Errors');

    catch(exception: unknown, host: ArgumentsHost): void {
      answer(exception, host, dialect, this.logger);
    }
  }
  Object.defineProperty(DialectFilter, 'name', { value: name });
  return DialectFilter;
}
