import { ArgumentsHost, Catch, ExceptionFilter, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { TracedRequest } from '../http/request-ids';
import { redactUrl } from '../logging/redaction';
import { ERROR_DIALECTS, envelopeDialect, type ErrorDialectRoutes } from './error-dialect';
import { describeError } from './error-envelope';

/**
 * Every error a service answers leaves through here: classified once (`describeError`), then worded in the one
 * envelope, or in the dialect of the routes its path belongs to (`errorDialects` of the kit's options).
 */
@Catch()
@Injectable()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() @Inject(ERROR_DIALECTS) private readonly dialects: readonly ErrorDialectRoutes[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<TracedRequest>();
    const response = http.getResponse<ServerResponse>();
    const described = describeError(exception);
    if (described.unexpected) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      // The URL may carry a key in its query string (`?apikey=`): the error log shows it redacted.
      const url = redactUrl(request.url);
      this.logger.error(`unexpected error on ${request.method} ${url} (request ${request.id})`, stack);
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const path = (request.url ?? '').split('?')[0];
    const dialect = this.dialects.find((routes) => routes.paths.test(path))?.dialect ?? envelopeDialect;
    const requestId = request.id === undefined ? undefined : String(request.id);
    const { status, body } = dialect(described, { exception, requestId });
    response.statusCode = status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }
}
