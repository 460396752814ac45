import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

/** The ids every request carries in logs, error bodies and (later) the events and messages it causes. */
// `id` is pino-http's request id (declared by pino-http on IncomingMessage); this middleware sets it first.
export type TracedRequest = IncomingMessage & { correlationId?: string };

// Incoming ids end up in logs and headers: accept only short, plain tokens.
const acceptable = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;

/**
 * Honours an incoming X-Request-Id (else makes one) and X-Correlation-Id (else the request id starts a new
 * correlation), and echoes both on the response. Runs before logging, so every log line has them.
 */
export function requestIds(req: TracedRequest, res: ServerResponse, next: () => void): void {
  const id = acceptable(req.headers['x-request-id']) ?? randomUUID();
  req.id = id;
  req.correlationId = acceptable(req.headers['x-correlation-id']) ?? id;
  res.setHeader(REQUEST_ID_HEADER, id);
  res.setHeader(CORRELATION_ID_HEADER, req.correlationId);
  next();
}
