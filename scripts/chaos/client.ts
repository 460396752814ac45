import type { ChaosStack, ServiceName } from './stack';

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers a client retries: the service is down, restarting, out of its database or broker, or busy. */
const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

/**
 * A client of one service as a careful caller is: every mutating call carries an Idempotency-Key, and a call that found
 * no process, timed out or got a 5xx is sent again (to another instance when there are replicas) with the same key,
 * until its deadline. So "acknowledged" means what a real client would have been told.
 */
export class ChaosClient {
  private turn = 0;

  constructor(private readonly stack: ChaosStack, private readonly service: ServiceName, private readonly deadlineMs: number) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const deadline = Date.now() + this.deadlineMs;
    let last: Answer<T> = { status: 0, body: {} as T };
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const urls = this.stack.urls(this.service);
      if (urls.length > 0) {
        const url = urls[this.turn++ % urls.length];
        try {
          const response = await fetch(`${url}${path}`, {
            method,
            headers: { 'Api-Key': this.stack.apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(15_000),
          });
          const text = await response.text();
          last = { status: response.status, body: (text ? safeJson(text) : {}) as T };
          if (!retryable(response.status)) return last;
        } catch {
          last = { status: 0, body: {} as T };
        }
      }
      await sleep(Math.min(1000, 100 * 2 ** Math.min(attempt, 4)));
    }
    return last;
  }

  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return this.call<T>('GET', path);
  }

  /** Polls a GET until `accept` holds or the deadline passes; answers the last answer either way. */
  async until<T>(path: string, accept: (answer: Answer<T>) => boolean, timeoutMs = this.deadlineMs): Promise<Answer<T> | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await this.get<T>(path);
      if (accept(answer)) return answer;
      await sleep(250);
    }
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}
