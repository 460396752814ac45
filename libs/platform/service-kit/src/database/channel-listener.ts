import { Client, type ClientConfig } from 'pg';
import { Subject, type Observable } from 'rxjs';

/** What the listener says when its connection fails; a Nest `Logger` with the owner's context fits. */
export interface ListenerLog {
  warn(message: string): void;
}

export interface ChannelListenerOptions<T> {
  /** The database to listen on: usually the event store's pool options (`store.pool.options`). */
  readonly connection: ClientConfig;
  /** A plain identifier: it is written into `LISTEN <channel>` as it is, so ops can find the connection by it. */
  readonly channel: string;
  /** A notice's payload, or `undefined` to ignore it (a payload of another format, an older writer). */
  readonly parse: (payload: string) => T | undefined;
  readonly log: ListenerLog;
  /** Names the connection in log lines ("<name> connection lost: …"). */
  readonly name: string;
  /** The first retry after a lost connection or a refused reconnection; each further refusal doubles it. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A dedicated LISTEN connection on one channel, its notices fanned out to every subscriber in this process. A lost
 * connection is opened again (with backoff while the database refuses); subscribers keep their subscriptions, and
 * hear `lost` once it listens again, since what was notified meanwhile was not heard: a subscriber resyncs then
 * (reads again, or replays from its own log).
 */
export class ChannelListener<T> {
  private readonly heard = new Subject<T>();
  private readonly relistened = new Subject<void>();
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private client?: Client;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ChannelListenerOptions<T>) {
    if (!CHANNEL_NAME.test(options.channel)) throw new Error(`channel ${options.channel}: not a plain identifier`);
    this.retryMs = options.retryMs ?? 1000;
    this.maxRetryMs = Math.max(this.retryMs, options.maxRetryMs ?? 10_000);
  }

  /** Every notice that parsed, in the order the database delivered them. */
  get notices(): Observable<T> {
    return this.heard.asObservable();
  }

  /** Once each time the connection was lost and listens again: notices may have been missed in between. */
  get lost(): Observable<void> {
    return this.relistened.asObservable();
  }

  /** Listens; fails if the first connection fails (a service should not start deaf). */
  async start(): Promise<void> {
    await this.listen();
  }

  /** Stops listening and completes both streams, so open server-sent-event streams end with the process. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.heard.complete();
    this.relistened.complete();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const { channel, name, log } = this.options;
    const client = new Client(this.options.connection);
    client.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      const notice = this.parsed(message.payload);
      if (notice !== undefined) this.heard.next(notice);
    });
    let failed = false;
    client.on('error', (error) => {
      if (failed) return;
      failed = true;
      log.warn(`${name} connection lost: ${error.message}`);
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      this.retryAfter(this.retryMs);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      failed = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private parsed(payload: string): T | undefined {
    try {
      return this.options.parse(payload);
    } catch (error) {
      this.options.log.warn(`${this.options.name}: ignored a notice that does not parse: ${String(error)}`);
      return undefined;
    }
  }

  /**
   * Tries again until it listens: a database that is down longer than one delay (a restart) refuses the first
   * attempts, and one failed attempt must not leave the process deaf for its lifetime.
   */
  private retryAfter(delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.closed) return;
      this.listen().then(
        () => {
          if (!this.closed) this.relistened.next();
        },
        (error: Error) => {
          this.options.log.warn(`${this.options.name} not listening yet: ${error.message}; trying again`);
          this.retryAfter(Math.min(delayMs * 2, this.maxRetryMs));
        },
      );
    }, delayMs).unref();
  }
}
