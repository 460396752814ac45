import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * "Kafka is down" and "Kafka comes up" for specs that must never stop the shared broker: a local port nobody listens
 * on, and later a TCP proxy opened on that same port to the real broker.
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class BrokerProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  /** `broker`: the real broker's `host:port`; the proxy listens on 127.0.0.1:`port`. */
  async open(port: number, broker: string): Promise<void> {
    const [host, brokerPort] = broker.split(':');
    this.server = createServer((client) => {
      const upstream = connect(Number(brokerPort), host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  /** Cuts every forwarded connection, then stops listening (a no-op when never opened). */
  async close(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
