import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@orders/event-store';
import { setRebuildProbe } from '../metrics';
import { SummaryRebuilder } from '../rebuild/rebuilder';
import { ReadModelDb } from '../storage/read-model-db';
import { STATE_OUTBOX_STORE } from './projector-messaging';

/**
 * What the projector runs besides Kafka (which the messaging transport runs, see projector-messaging.ts): its
 * metrics and rebuild probe, and the pools, closed after the transport stopped (Nest closes microservices first).
 */
@Injectable()
export class ProjectorRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly db: ReadModelDb,
    @Inject(STATE_OUTBOX_STORE) private readonly outboxStore: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    const rebuilds = new SummaryRebuilder(this.db);
    setRebuildProbe(() => rebuilds.running());
  }

  async onApplicationShutdown(): Promise<void> {
    setRebuildProbe(undefined);
    await this.outboxStore.close();
    await this.db.close();
  }
}
