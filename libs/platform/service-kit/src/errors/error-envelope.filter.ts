import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { TracedRequest } from '../http/request-ids';
import { redactUrl } from '../logging/redaction';
import { ErrorEnvelope, describeError } from './error-envelope';

/** Every error a service answers leaves through here, in the one envelope. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

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
    const body: ErrorEnvelope = { status: 'ERROR', errors: described.errors, request_id: request.id === undefined ? undefined : String(request.id) };
    response.statusCode = described.httpStatus;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }
}
