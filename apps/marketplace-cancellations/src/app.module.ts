import { Module, type Type } from '@nestjs/common';
import { EventStoreModule } from '@orders/event-store/nest';
import { type Clock, ServiceConfig, ServiceKitModule } from '@orders/service-kit';
import { CancellationsModule } from './cancellations.module';
import { marketComponents } from '@orders/contracts';
import { MARKET_API_ERRORS } from './market-api/market-errors';
import { MARKET_NOTIFICATION_ERRORS } from './receive-notification/market-notification.errors';
import { marketplaceCancellationsService } from './marketplace-cancellations.definition';
import { cancellationSettings } from './marketplace-cancellations.config';
import { MARKETPLACE_METRICS } from './marketplace-cancellations.metrics';
import { MarketplaceCancellations1767500000000 } from './migrations/1767500000000-marketplace-cancellations';
import { MarketOrderIds1767600000000 } from './migrations/1767600000000-market-order-ids';
import { ParkedDeliveryAge1767700000000 } from './migrations/1767700000000-parked-delivery-age';
import { MarketFacade1767810000000 } from './migrations/1767810000000-market-facade';
import { MarketOutbox1767900000000 } from './migrations/1767900000000-market-outbox';
import { QueueChangeNotices1768000000000 } from './migrations/1768000000000-queue-change-notices';

const MARKETPLACE_MIGRATIONS = [
  MarketplaceCancellations1767500000000,
  MarketOrderIds1767600000000,
  ParkedDeliveryAge1767700000000,
  MarketFacade1767810000000,
  MarketOutbox1767900000000,
  QueueChangeNotices1768000000000,
];

interface MarketplaceCancellationsOptions {
  /** Defaults to the service kit's system clock; specs and benchmarks pass a ManualClock (given to the kit). */
  readonly clock?: Clock;
}

/** The service's root module; specs and benchmarks build it with their own clock. */
export function marketplaceCancellationsApp(options: MarketplaceCancellationsOptions = {}): Type<unknown> {
  @Module({
    imports: [
      // The kit validates the service's own settings with its variables and provides CANCELLATION_SETTINGS.
      ServiceKitModule.forRoot(marketplaceCancellationsService, {
        migrations: MARKETPLACE_MIGRATIONS,
        settings: [cancellationSettings],
        clock: options.clock,
        metrics: MARKETPLACE_METRICS,
        // Market's routes answer errors as Market does; our own routes keep the platform's envelope.
        errorDialects: [MARKET_NOTIFICATION_ERRORS, MARKET_API_ERRORS],
        // Market's own schemas, which its operations' answers name in the document.
        openApiSchemas: marketComponents(),
      }),
      // The event log lives in the service's own database (`marketplace`), in its own schema.
      EventStoreModule.forRootAsync({
        inject: [ServiceConfig],
        useFactory: (config: ServiceConfig) => ({
          connection: { connectionString: config.databaseUrl, max: 20 },
          schema: 'event_store',
        }),
      }),
      CancellationsModule,
    ],
  })
  class MarketplaceCancellationsModule {}
  return MarketplaceCancellationsModule;
}

export const AppModule = marketplaceCancellationsApp();
