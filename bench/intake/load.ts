import { Agent, request } from 'node:http';

export interface Response {
  status: number;
  body: string;
}

/** One keep-alive agent per target, so connections are reused as a real integrator's client would. */
export function client(baseUrl: string, headers: Record<string, string>, sockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const send = (method: string, path: string, body?: unknown): Promise<Response> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: {
            ...headers,
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  return { send, close: () => agent.destroy() };
}

/**
 * `concurrency` workers send requests back to back for `durationMs`; returns completed requests per second. Any
 * answer other than `expected` stops the run: a benchmark of failures measures nothing.
 */
export async function throughput(
  durationMs: number,
  concurrency: number,
  one: (worker: number, i: number) => Promise<Response>,
  expected: number,
): Promise<number> {
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const res = await one(worker, i);
        if (res.status !== expected)
          throw new Error(`expected ${expected}, got ${res.status}: ${res.body.slice(0, 300)}`);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** The order every intake benchmark submits (a guest, an address, two lines): one shape, so their figures compare. */
export const benchOrder = (externalId: string, source = 'site') => ({
  source,
  externalId,
  submittedAt: '2026-11-23T10:00:00Z',
  customer: { name: 'Ivan Ivanovich Ivanov', phone: '+77776665544' },
  address: 'Pushkin street 2, apt 5',
  comment: 'Two persons',
  requestedTime: '2026-11-23T12:30:00+03:00',
  serviceType: 'courier',
  items: [
    { sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 },
    { name: 'Bread', quantity: 1, priceMinor: 3800 },
  ],
  amountMinor: 38600,
  currency: 'RUB',
});
