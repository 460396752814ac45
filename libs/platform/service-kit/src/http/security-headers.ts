import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers every response carries, errors and the OpenAPI UI included. `nosniff` stops a browser from reading a
 * JSON error body that echoes input (a field name, a path) as HTML or script.
 */
export function securityHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
