import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http-types';
import { Readable } from 'node:stream';
import { SESSION_COOKIE, Sessions, cookieValue } from '../session/sessions';
import { matchRoute, targetPath } from './bff-routes';
import { UpstreamClient } from './upstream.client';

const error = (res: Response, status: number, code: string, message: string): void => {
  res.status(status).json({ errors: [{ code, message }] });
};

/**
 * Every `/api/*` route of the table (bff-routes.ts): the session's key, the service's answer passed back as it is
 * (status, body, Retry-After), so the page shows the service's own error words.
 */
@Controller()
export class BffController {
  constructor(private readonly sessions: Sessions, private readonly upstream: UpstreamClient) {}

  @All('api/*path')
  async forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = this.sessions.find(cookieValue(req.headers.cookie, SESSION_COOKIE));
    if (!session) return error(res, 401, 'UNAUTHORIZED', 'not signed in');
    const url = new URL(req.originalUrl, 'http://console');
    const matched = matchRoute(req.method ?? 'GET', url.pathname);
    if (!matched) return error(res, 404, 'NOT_FOUND', `no console route ${req.method} ${url.pathname}`);
    const { route, params } = matched;
    // The services refuse it too; refusing here keeps a read-only operator's click from reaching them at all.
    if (route.method !== 'GET' && session.operator.readOnly) return error(res, 403, 'FORBIDDEN', 'this key may only read');
    const path = targetPath(route, params, url.searchParams);
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    let answer: globalThis.Response;
    try {
      answer = await this.upstream.call({
        upstream: route.upstream, path, apiKey: session.apiKey, method: route.method, body: req.body,
        headers: req.headers, signal: route.stream ? aborted.signal : AbortSignal.any([aborted.signal, AbortSignal.timeout(10_000)]),
      });
    } catch (cause) {
      if (aborted.signal.aborted) return;
      return error(res, 502, 'UPSTREAM_UNAVAILABLE', `${route.upstream} does not answer (${String((cause as Error).message)})`);
    }
    res.status(answer.status);
    for (const name of ['content-type', 'retry-after', 'etag']) {
      const value = answer.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    if (route.stream && answer.ok && answer.body) {
      // No buffering anywhere on the way: each event reaches the page as the service sends it.
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      const body = Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream);
      body.on('error', () => res.end());
      body.pipe(res);
      return;
    }
    res.send(Buffer.from(await answer.arrayBuffer()));
  }
}
