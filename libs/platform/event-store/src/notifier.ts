import { Client, type ClientConfig } from 'pg';
import type { Queryable } from './queryable';
import type { Logger } from './types';

export type Signal = { kind: 'append' } | { kind: 'lease'; subscription: string };
type Listener = (signal: Signal) => void;

const LEASE_PREFIX = 'lease:';

/**
 * Wakes tailing readers. In this process an append wakes them directly; other processes hear a NOTIFY sent after
 * the commit (coalesced: at most one in flight and one queued, so a burst of appends costs two). NOTIFY is a hint
 * only: readers also poll, so a lost notification (a dropped LISTEN connection, a pooling proxy) only adds latency.
 * Not service-kit's ChannelListener: the store cannot depend on service-kit, and it listens lazily (first subscriber)
 * and needs no 'lost' signal, since readers poll anyway.
 */
export class Notifier {
  private readonly listeners = new Set<Listener>();
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private publishing: Promise<void> | undefined;
  private publishAgain = false;
  private closed = false;

  constructor(
    private readonly pool: Queryable,
    private readonly connection: ClientConfig | undefined,
    readonly channel: string,
    private readonly options: { listen: boolean; publish: boolean },
    private readonly logger: Logger,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.options.listen && this.connection) void this.ensureListening();
    return () => this.listeners.delete(listener);
  }

  /** After an append made through this store; `publish: false` when the statement already sent its NOTIFY. */
  appended(publish = true): void {
    this.emit({ kind: 'append' });
    if (publish && this.options.publish && !this.closed) this.publish();
  }

  leaseReleased(subscription: string): void {
    this.emit({ kind: 'lease', subscription });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.publishing;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private emit(signal: Signal): void {
    for (const listener of this.listeners) listener(signal);
  }

  private publish(): void {
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = (async () => {
      do {
        this.publishAgain = false;
        await this.pool.query({ text: 'SELECT pg_notify($1, $2)', values: [this.channel, ''] });
      } while (this.publishAgain && !this.closed);
    })()
      .catch((error: unknown) => this.logger.warn('event store: NOTIFY after append failed (readers fall back to polling)', { error: String(error) }))
      .finally(() => { this.publishing = undefined; });
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => { this.connecting = undefined; });
    }
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client(this.connection);
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      this.emit(payload.startsWith(LEASE_PREFIX) ? { kind: 'lease', subscription: payload.slice(LEASE_PREFIX.length) } : { kind: 'append' });
    });
    client.on('error', (error) => {
      this.logger.warn('event store: LISTEN connection failed; polling until it is back', { error: String(error) });
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      this.logger.warn('event store: cannot LISTEN; polling only for now', { error: String(error) });
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.emit({ kind: 'append' }); // something may have been appended while no one listened
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.listeners.size === 0) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.ensureListening();
    }, 2000);
    this.reconnectTimer.unref();
  }
}

export const leasePayload = (subscription: string): string => `${LEASE_PREFIX}${subscription}`;
