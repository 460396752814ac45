import { Module } from '@nestjs/common';
import { MessagingTransport } from '@orders/messaging/nest';
import { EventStoreOpsController } from '@orders/service-kit';
import { CancellationsController } from './cancellation-queue/cancellations.http.controller';
import { CancellationDecisionController } from './decide-cancellation/decide-cancellation.http.controller';
import { CancellationTimers } from './expire-cancellations/cancellation-timers';
import { DueTimersController } from './expire-cancellations/due-timers.http.controller';
import { TimerSchedule } from './expire-cancellations/timer-schedule';
import { TimerWorker } from './expire-cancellations/timer-worker';
import { OrdersController } from './list-orders/list-orders.http.controller';
import { CampaignAccessGuard } from './market-api/campaign-access.guard';
import { MarketLimits } from './market-api/market-limits';
import { MarketLimitsInterceptor } from './market-api/market-limits.interceptor';
import { MarketplaceOrders } from './marketplace-orders/marketplace-orders';
import { MarketCallsController } from './market-calls/market-calls.http.controller';
import { MarketCallsQuery } from './market-calls/market-calls.query';
import { MarketApiClient } from './market-connector/market-api.client';
import { MarketOutboxSignal } from './market-connector/market-outbox';
import { MarketOutboxWorker } from './market-connector/market-outbox.worker';
import { MarketReconciliation } from './market-connector/market-reconciliation';
import { ParkedDeliveryPruner } from './prune-parked-deliveries/parked-delivery-pruner';
import { MARKETPLACE_MESSAGE_CONTROLLERS, marketplaceMessaging } from './publishing/marketplace-messaging';
import { CancellationQueries } from './read-model/cancellation-queries';
import { MarketOrdersQuery } from './read-model/market-orders.query';
import { CancellationReadModel } from './read-model/cancellation-read-model';
import { QueueChanges } from './queue-changes/queue-changes';
import { QueueEventsController } from './queue-changes/queue-events.http.controller';
import { PendingRequestsProbe } from './read-model/pending-requests-probe';
import { NotificationInbox } from './receive-notification/notification-inbox';
import { NotificationWorker } from './receive-notification/notification-worker';
import { NotificationSourceGuard } from './receive-notification/notification-source.guard';
import { NotificationController } from './receive-notification/receive-notification.http.controller';

/**
 * Marketplace orders and buyer cancellations: the Market-shaped API (Market's dialect and limits), our own routes
 * beside it, Market's notifications, the timers, the read model.
 */
@Module({
  controllers: [
    CancellationDecisionController,
    OrdersController,
    CancellationsController,
    MarketCallsController,
    QueueEventsController,
    NotificationController,
    DueTimersController,
    EventStoreOpsController,
    ...MARKETPLACE_MESSAGE_CONTROLLERS,
  ],
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
    MarketOrdersQuery,
    NotificationSourceGuard,
    PendingRequestsProbe,
    marketplaceMessaging,
    ParkedDeliveryPruner,
    MarketOutboxSignal,
    MarketApiClient,
    MarketOutboxWorker,
    MarketReconciliation,
    MarketCallsQuery,
    QueueChanges,
  ],
  exports: [
    MessagingTransport,
    MarketplaceOrders,
    NotificationInbox,
    NotificationWorker,
    CancellationTimers,
    MarketOutboxWorker,
    MarketReconciliation,
  ],
})
export class CancellationsModule {}
