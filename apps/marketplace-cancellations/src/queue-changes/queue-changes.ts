import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Client, type ClientConfig } from 'pg';
import { Subject, type Observable } from 'rxjs';

/** The channel the triggers of migration 1768000000000 notify on. */
export const QUEUE_CHANNEL = 'marketplace_queue_changes';

/** What changed of a campaign: its queue (a request or its order), or a call to Market. */
export interface QueueChange {
  readonly kind: 'queue' | 'market';
  readonly campaignId: string;
}

const RECONNECT_DELAY_MS = 1000;

export function parseQueueChange(payload: string | undefined): QueueChange | undefined {
  const match = /^(queue|market):(.+)$/.exec(payload ?? '');
  return match ? { kind: match[1] as QueueChange['kind'], campaignId: match[2] } : undefined;
}

/**
 * The campaigns' queue changes as they commit, whichever instance or worker wrote them: one LISTEN connection per
 * process. A lost connection is opened again; the streams stay, and say `reload` once it is back, since what changed
 * meanwhile was not heard.
 */
@Injectable()
export class QueueChanges implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueChanges');
  private readonly changes = new Subject<QueueChange | 'reconnected'>();
  private client?: Client;
  private closed = false;

  constructor(private readonly store: EventStore) {}

  /** Every change, and `reconnected` after the LISTEN connection was lost and is back. */
  get stream(): Observable<QueueChange | 'reconnected'> {
    return this.changes.asObservable();
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.changes.complete();
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client(this.store.pool.options as ClientConfig);
    client.on('notification', (message) => {
      const change = message.channel === QUEUE_CHANNEL ? parseQueueChange(message.payload) : undefined;
      if (change) this.changes.next(change);
    });
    client.on('error', (error) => {
      this.logger.warn(`queue changes connection lost: ${error.message}`);
      this.client = undefined;
      void client.end().catch(() => undefined);
      this.listenLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${QUEUE_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  private listenLater(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed) return;
      this.listen().then(
        () => this.changes.next('reconnected'),
        (error: Error) => {
          this.logger.warn(`queue changes not listening yet: ${error.message}; trying again`);
          this.listenLater();
        },
      );
    }, RECONNECT_DELAY_MS).unref();
  }
}
