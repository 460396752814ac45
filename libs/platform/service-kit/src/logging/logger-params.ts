import { randomUUID } from 'node:crypto';
import { Params } from 'nestjs-pino';
import { ServiceConfig } from '../config/service-config';
import { TracedRequest } from '../http/request-ids';

// Probes and scrapes arrive every few seconds; logging each one buries the requests that matter.
const quietPaths = new Set(['/health', '/health/live', '/metrics']);

/** JSON logs, one line per request, with the request and correlation ids and without credentials. */
export function loggerParams(config: ServiceConfig): Params {
  return {
    pinoHttp: {
      name: config.service.name,
      level: config.logLevel,
      genReqId: (req) => req.id ?? randomUUID(),
      customProps: (req) => ({ correlation_id: (req as TracedRequest).correlationId }),
      autoLogging: { ignore: (req) => req.method === 'GET' && quietPaths.has((req.url ?? '').split('?')[0]) },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
  };
}
