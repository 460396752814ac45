import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { LogScope } from '@orders/messaging';
import { Params, PinoLogger } from 'nestjs-pino';
import type { Options } from 'pino-http';
import type { PrettyStream } from 'pino-pretty';
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

/**
 * The trace and span of the work a line is written in, when it is traced: an HTTP request, a consumed message, a
 * command. A mixin, so it holds for every line, the request log's and every Nest logger's.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/** Lines for a person at a terminal: time, level, the logger's context and the message, the other fields after it. */
export function prettyLines(destination?: NodeJS.WritableStream): PrettyStream {
  // Loaded only here: a service logging JSON (every deployed one) never holds pino-pretty's 30 modules in memory.
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
    singleLine: true,
    ...(destination ? { destination, colorize: false } : {}),
  });
}

/** Pretty on a terminal outside production (or when asked for), else JSON: what a log pipeline reads. */
export function isPretty(config: ServiceConfig, isTerminal = Boolean(process.stdout.isTTY)): boolean {
  const format = config.telemetry?.logFormat ?? 'json';
  return format === 'pretty' || (format === 'auto' && isTerminal && config.environment !== 'production');
}

/** A message's log scope (messaging's `LogScope`) on pino: a child logger with its ids for the whole handling. */
export function pinoLogScope(pino: PinoLogger): LogScope {
  return (fields, work) => pino.runInContext(work, { bindings: fields });
}

/** JSON logs, one line per request, with the request and correlation ids and without credentials. */
export function loggerParams(config: ServiceConfig): Params {
  const options: Options = {
    name: config.service.name,
    level: config.logLevel,
    mixin: traceFields,
    // The request line says what it was about: `POST /api/v1/... 201 12 ms` rather than "request completed".
    customSuccessMessage: (req, res, responseTime) => requestLine(req, res.statusCode, responseTime),
    customErrorMessage: (req, res) => requestLine(req, res.statusCode),
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
  };
  // pino-pretty formats in this process, synchronously: only ever on a developer's terminal.
  return { pinoHttp: isPretty(config) ? [options, prettyLines()] : options };
}

function requestLine(req: IncomingMessage, status: number, responseTime?: number): string {
  const took = responseTime === undefined ? '' : ` ${Math.round(responseTime)} ms`;
  return `${req.method} ${redactUrl(req.url)} ${status}${took}`;
}
