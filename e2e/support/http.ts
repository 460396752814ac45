export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/** JSON over HTTP to one service, with the run's API key; answers the status and the parsed body, whatever they are. */
export class ServiceClient {
  constructor(private readonly baseUrl: () => string, private readonly apiKey: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: { 'Api-Key': this.apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return this.call<T>('GET', path);
  }
}

/** Fails with the answer in the message when the status is not the expected one. */
export function expectStatus<T>(answer: Answer<T>, expected: number, what: string): T {
  if (answer.status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}
