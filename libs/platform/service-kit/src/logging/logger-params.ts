import { randomUUID } from 'node:crypto';
import { Params } from 'nestjs-pino';
import { ServiceConfig } from '../config/service-config';
import { TracedRequest } from '../http/request-ids';
import { redactHeaders, redactQuery, redactUrl } from './redaction';

// Probes and scrapes arrive every few seconds; logging each one buries the requests that matter.
const quietPaths = new Set(['/health', '/health/live', '/metrics']);

type Loose = Record<string, unknown>;

/**
 * pino-http hands these the standard serializers' output (a fresh object per line, holding the request's own
 * headers object): they return a copy with credentials replaced, by name, in headers, URL and parsed query.
 */
export const credentialSafeSerializers = {
  req: (req: Loose): Loose => ({
    ...req,
    url: redactUrl(req.url as string | undefined),
    ...('query' in req ? { query: redactQuery(req.query as Loose | undefined) } : {}),
    headers: redactHeaders(req.headers as Loose | undefined),
  }),
  res: (res: Loose): Loose => ({ ...res, headers: redactHeaders(res.headers as Loose | undefined) }),
};

/** JSON logs, one line per request, with the request and correlation ids and without credentials. */
export function loggerParams(config: ServiceConfig): Params {
  return {
    pinoHttp: {
      name: config.service.name,
      level: config.logLevel,
      genReqId: (req) => req.id ?? randomUUID(),
      customProps: (req) => ({ correlation_id: (req as TracedRequest).correlationId }),
      autoLogging: { ignore: (req) => req.method === 'GET' && quietPaths.has((req.url ?? '').split('?')[0]) },
      serializers: credentialSafeSerializers,
      // A second net for lines that log a request or response without going through the serializers.
      redact: {
        paths: [
          'req.headers.authorization', 'req.headers["api-key"]', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
  };
}
