import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TracedRequest } from '../http/request-ids';

type RoutedRequest = IncomingMessage & TracedRequest & { route?: { path?: string }; baseUrl?: string };

// Probes and scrapes every few seconds would bury the traces of the requests that matter (as in the request log).
const QUIET_PATHS = new Set(['/health', '/health/live', '/metrics']);

/**
 * Express middleware, installed by the kit only while tracing is on: each request runs in a SERVER span that
 * continues an incoming W3C `traceparent` (else starts a trace), named by its route template once routed. The
 * request and response emitters are bound to the span's context, so the body parser, the handler, the command it
 * runs and the request log line all see it.
 */
export function traceRequests(req: RoutedRequest, res: ServerResponse, next: () => void): void {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && QUIET_PATHS.has(path)) {
    next();
    return;
  }
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer('@orders/service-kit').startSpan(
    req.method ?? 'HTTP',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': req.method ?? '',
        'url.path': path,
        'http.request.id': String(req.id ?? ''),
        ...(req.correlationId ? { 'correlation.id': req.correlationId } : {}),
      },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  const finish = (aborted: boolean) => {
    // The route template, never the raw URL (ids would make one name per order); as the HTTP metrics label it.
    const template = req.route?.path;
    const route = template && !template.includes('*') ? `${req.baseUrl ?? ''}${template}` : undefined;
    if (route) span.setAttribute('http.route', route);
    span.updateName(route ? `${req.method} ${route}` : `${req.method}`);
    span.setAttribute('http.response.status_code', res.statusCode);
    if (aborted) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away before the answer' });
    else if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', () => finish(false));
  res.once('close', () => {
    if (!res.writableFinished) finish(true);
  });
  context.bind(active, req);
  context.bind(active, res);
  context.with(active, next);
}
