import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_SETTINGS, type ConsoleSettings, type Upstream } from '../config/console-settings';

/** Request headers the console passes on to a service: the command's ids and versions, nothing of the browser's. */
const PASSED_HEADERS = ['idempotency-key', 'if-match', 'x-correlation-id', 'last-event-id', 'accept'] as const;

/** Calls a service's own HTTP API with the operator's key. */
@Injectable()
export class UpstreamClient {
  constructor(@Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings) {}

  url(upstream: Upstream, path: string): string {
    return `${this.settings.upstreams[upstream]}${path}`;
  }

  async call(options: {
    upstream: Upstream; path: string; apiKey: string; method?: string; body?: unknown;
    headers?: Record<string, string | string[] | undefined>; signal?: AbortSignal;
  }): Promise<Response> {
    const headers: Record<string, string> = { 'Api-Key': options.apiKey, 'User-Agent': 'orders-console' };
    for (const name of PASSED_HEADERS) {
      const value = options.headers?.[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const hasBody = options.body !== undefined && options.method !== 'GET';
    if (hasBody) headers['Content-Type'] = 'application/json';
    return fetch(this.url(options.upstream, options.path), {
      method: options.method ?? 'GET', headers, body: hasBody ? JSON.stringify(options.body) : undefined,
      signal: options.signal ?? AbortSignal.timeout(10_000),
    });
  }
}
