import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { ChannelListener } from '@orders/service-kit';
import type { ClientConfig } from 'pg';
import type { Observable } from 'rxjs';

/** The channel the triggers of migration 1768000000000 notify on. */
export const QUEUE_CHANNEL = 'marketplace_queue_changes';

/** What changed of a campaign: its queue (a request or its order), or a call to Market. */
export interface QueueChange {
  readonly kind: 'queue' | 'market';
  readonly campaignId: string;
}

export function parseQueueChange(payload: string | undefined): QueueChange | undefined {
  const match = /^(queue|market):(.+)$/.exec(payload ?? '');
  return match ? { kind: match[1] as QueueChange['kind'], campaignId: match[2] } : undefined;
}

/**
 * The campaigns' queue changes as they commit, whichever instance or worker wrote them: one LISTEN connection per
 * process. A lost connection is opened again; the streams stay, and say `reload` once it is back (`lost`), since
 * what changed meanwhile was not heard.
 */
@Injectable()
export class QueueChanges implements OnModuleInit, OnApplicationShutdown {
  private readonly listener: ChannelListener<QueueChange>;

  constructor(store: EventStore) {
    this.listener = new ChannelListener({
      connection: store.pool.options as ClientConfig,
      channel: QUEUE_CHANNEL,
      parse: parseQueueChange,
      log: new Logger('QueueChanges'),
      name: 'queue changes',
    });
  }

  /** Every change. */
  get changes(): Observable<QueueChange> {
    return this.listener.notices;
  }

  /** Once each time the LISTEN connection was lost and is back: changes may have been missed. */
  get lost(): Observable<void> {
    return this.listener.lost;
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}
