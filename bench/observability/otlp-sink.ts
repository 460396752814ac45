import { createServer, type Server } from 'node:http';

/**
 * A no-op OTLP/HTTP receiver on loopback: it reads every export request to its end and answers success, so the
 * services pay the whole export (serialisation, HTTP, the batch processor's queue) and nothing leaves the machine.
 * It counts spans by their `"spanId":` keys (the exporter sends OTLP/JSON; a span's parent is `parentSpanId`).
 */
export interface OtlpSink {
  readonly url: string;
  /** Spans and export requests received so far, per service (the `?service=` of its endpoint). */
  received(service: string): { spans: number; requests: number; bytes: number };
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const counts = new Map<string, { spans: number; requests: number; bytes: number }>();
  const server: Server = createServer((req, res) => {
    const service = new URL(req.url ?? '/', 'http://sink').searchParams.get('service') ?? '';
    const count = counts.get(service) ?? { spans: 0, requests: 0, bytes: 0 };
    counts.set(service, count);
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      count.requests += 1;
      count.bytes += Buffer.byteLength(text);
      count.spans += text.split('"spanId":').length - 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received: (service) => ({ ...(counts.get(service) ?? { spans: 0, requests: 0, bytes: 0 }) }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
