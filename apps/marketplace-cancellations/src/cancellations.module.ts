import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingTransport } from '@orders/messaging/nest';
import type { Clock } from './clock';
import { MARKETPLACE_MESSAGE_CONTROLLERS, marketplaceMessaging } from './integration/marketplace-messaging';
import { CancellationDecisionController } from './market-api/cancellation-decision.http.controller';
import { CampaignAccessGuard } from './market-api/campaign-access.guard';
import { MarketLimits } from './market-api/market-limits';
import { MarketLimitsInterceptor } from './market-api/market-limits.interceptor';
import { OrdersController } from './market-api/orders.http.controller';
import { NotificationController } from './notifications/notification.http.controller';
import { NotificationInbox } from './notifications/notification-inbox';
import { NotificationWorker } from './notifications/notification-worker';
import { MarketplaceOrders } from './orders/marketplace-orders';
import { ParkedDeliveryPruner } from './orders/parked-delivery-pruner';
import { CancellationQueries } from './read-model/cancellation-queries';
import { CancellationReadModel } from './read-model/cancellation-read-model';
import { CancellationTimers } from './timers/cancellation-timers';
import { TimerSchedule } from './timers/timer-schedule';
import { TimerWorker } from './timers/timer-worker';

/** Marketplace orders and buyer cancellations: the Market-compatible API, the inbox, the timers, the read model. */
export interface CancellationsOptions {
  /** Defaults to the service kit's system clock; specs and benchmarks pass a ManualClock (given to the kit). */
  readonly clock?: Clock;
}

@Module({
  controllers: [CancellationDecisionController, OrdersController, NotificationController, ...MARKETPLACE_MESSAGE_CONTROLLERS],
  providers: [
    MarketplaceOrders,
    MarketLimits,
    MarketLimitsInterceptor,
    CampaignAccessGuard,
    NotificationInbox,
    NotificationWorker,
    CancellationTimers,
    TimerSchedule,
    TimerWorker,
    CancellationReadModel,
    CancellationQueries,
    marketplaceMessaging,
    ParkedDeliveryPruner,
  ],
  exports: [MessagingTransport, MarketplaceOrders, NotificationInbox, NotificationWorker, CancellationTimers],
})
export class CancellationsModule {
  /** The clock comes from the service kit (one clock for every service), so this module adds nothing of its own. */
  static forRoot(): DynamicModule {
    return { module: CancellationsModule };
  }
}
