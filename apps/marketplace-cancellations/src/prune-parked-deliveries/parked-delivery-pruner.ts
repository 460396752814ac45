import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Clock } from '@orders/service-kit';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { PollingWorker } from '../shared/worker-kit';
import { pruneParkedDeliveries } from './parked-delivery-pruning';

/**
 * Prunes parked deliveries no Market order claimed while the service runs: one bounded DELETE after another until a
 * batch finds nothing, then again after PARKED_DELIVERY_PRUNE_INTERVAL_MS (an hour by default). Every instance runs
 * it; the batches skip each other's rows. PARKED_DELIVERY_PRUNING=off turns it off.
 */
@Injectable()
export class ParkedDeliveryPruner extends PollingWorker {
  protected readonly logger = new Logger('ParkedDeliveryPruner');

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {
    super();
  }

  protected enabled(): boolean {
    return this.settings.parkedDeliveryPruning;
  }

  protected pollMs(): number {
    return this.settings.parkedDeliveryPruneIntervalMs;
  }

  protected tick(): Promise<number> {
    return pruneParkedDeliveries({ pool: this.store.pool, now: this.clock.now(), retentionMs: this.settings.parkedDeliveryRetentionMs, maxBatches: 1 });
  }
}
