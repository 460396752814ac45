import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { setPendingRequestsProbe } from '../marketplace-cancellations.metrics';

/** marketplace_cancellation_requests_pending counts the read model's pending requests when /metrics is scraped. */
@Injectable()
export class PendingRequestsProbe implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly store: EventStore) {}

  onApplicationBootstrap(): void {
    setPendingRequestsProbe(async () => {
      const { rows } = await this.store.pool.query<{ pending: string }>(
        `SELECT count(*) AS pending FROM cancellation_requests WHERE state = 'PENDING'`,
      );
      return Number(rows[0].pending);
    });
  }

  onApplicationShutdown(): void {
    setPendingRequestsProbe(undefined);
  }
}
