import { createServer } from 'node:net';

/**
 * A TCP port nothing listens on right now: the system picks it (never the services' fixed 3001-3004), we release it,
 * and a service binds it a moment later.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
