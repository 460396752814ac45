import { createServer, type Server } from 'node:http';
import type { Pool } from 'pg';

/** The baseline: a bare Node HTTP server that parses the JSON body and does one raw INSERT, nothing else. */
export async function startBareEndpoint(pool: Pool): Promise<{ port: number; close(): Promise<void> }> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bare_notifications (id bigserial PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`,
  );
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      pool.query('INSERT INTO bare_notifications (body) VALUES ($1)', [body]).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
