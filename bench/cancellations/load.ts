import { Agent, request } from 'node:http';

// A small closed-loop HTTP load generator: `concurrency` clients, each sending its next request when the previous
// answered, over keep-alive connections. No third-party client, so ours and the baseline pay the same costs.

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly failures: number;
  readonly latenciesMs: number[];
}

export async function runLoad(
  port: number,
  path: string,
  headers: Record<string, string>,
  bodies: readonly string[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const latenciesMs: number[] = [];
  const send = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const client = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const started = process.hrtime.bigint();
      const status = await send(body);
      latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 200) failures++;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { requests: bodies.length, seconds, perSecond: bodies.length / seconds, failures, latenciesMs };
}
