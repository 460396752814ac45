import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DELIVERY_UPCASTERS } from '@orders/delivery-domain';
import { EventStore } from '@orders/event-store';
import { EventStoreModule } from '@orders/event-store/nest';
import { PersonalDataVault } from '@orders/personal-data';
import { EventStoreOpsController, ServiceConfig, ServiceKitModule, piiMasterKeyOf } from '@orders/service-kit';
import { courierTopicSettings } from './courier-tracking.config';
import { courierTrackingService } from './courier-tracking.definition';
import { COURIER_METRICS } from './courier-tracking.metrics';
import { CancelDeliveryMessageController } from './deliveries/cancel-delivery-on-marketplace-cancellation/cancel-delivery.message.controller';
import { CreateDeliveryMessageController } from './deliveries/create-delivery-on-accepted-order/create-delivery.message.controller';
import { DeliveryCommands } from './deliveries/delivery-commands';
import { BatchUpsertOrdersController } from './deliveries/batch-upsert/batch-upsert.http.controller';
import { BatchUpsertOrders } from './deliveries/batch-upsert/batch-upsert';
import { CreateOrderController } from './deliveries/create-order/create-order.http.controller';
import { CreateOrder } from './deliveries/create-order/create-order';
import { DeleteOrderController } from './deliveries/delete-order/delete-order.http.controller';
import { DeleteOrder } from './deliveries/delete-order/delete-order';
import { GetOrdersController } from './deliveries/get-orders/get-orders.http.controller';
import { ListOrders } from './deliveries/get-orders/list-orders';
import { OrderIds } from './deliveries/order-ids';
import { TrackAndTraceOrderIds1796601600000 } from './deliveries/order-ids.migration';
import { IikoController } from './deliveries/iiko/iiko.http.controller';
import { OrderResponses } from './deliveries/order-responses';
import { UpdateOrderController } from './deliveries/update-order/update-order.http.controller';
import { UpdateOrder } from './deliveries/update-order/update-order';
import { CourierPositionDecisions1796342400000 } from './positions/position-decisions.migration';
import { PositionDecisions } from './positions/position-decisions';
import { PushPositionsController } from './positions/push-positions.http.controller';
import { RouteMembership } from './positions/route-membership';
import { TargetPoints } from './positions/target-points';
import { VisitDetector } from './positions/visit-detector';
import { courierMessaging } from './publishing/courier-messaging';
import { CourierTrackingTables1767657600000 } from './read-models/courier-tracking.migration';
import { CompanyScopedRoutes1796515200000 } from './settings/company-routes.migration';
import { ReadModelsProjection } from './read-models/read-models.projection';
import { CourierRouteController } from './routes/courier-route.http.controller';
import { RouteSettingsController } from './routes/route-settings.http.controller';
import { SettingsController } from './settings/settings.http.controller';
import { SettingsService } from './settings/settings.service';
import { InputRuleStatusInterceptor } from './shared/input-rule-status.interceptor';

@Module({
  imports: [
    // TypeORM runs the settings and read-model migrations; the event store and the vault bring their own.
    ServiceKitModule.forRoot(courierTrackingService, {
      migrations: [
        CourierTrackingTables1767657600000, CourierPositionDecisions1796342400000, CompanyScopedRoutes1796515200000,
        TrackAndTraceOrderIds1796601600000,
      ],
      settings: [courierTopicSettings],
      metrics: COURIER_METRICS,
    }),
    EventStoreModule.forRootAsync({
      inject: [ServiceConfig],
      // Older Delivery events (money in rubles, coordinates in clear) are read in the current format: evolve, the views
      // and the relay see only that, and new events of those types are written as its version.
      useFactory: (config: ServiceConfig) => ({
        connection: { connectionString: config.databaseUrl, max: 20, application_name: 'courier-tracking' }, schema: 'event_store',
        upcasters: DELIVERY_UPCASTERS,
      }),
    }),
  ],
  // Each use case's entry points: the Track & Trace order routes, iiko's, settings and routes, positions, then the
  // `@EventPattern` handlers of the policy consumer group.
  controllers: [
    CreateOrderController, GetOrdersController, UpdateOrderController, DeleteOrderController, BatchUpsertOrdersController,
    IikoController, SettingsController, RouteSettingsController, CourierRouteController, PushPositionsController,
    CreateDeliveryMessageController, CancelDeliveryMessageController,
    EventStoreOpsController,
  ],
  providers: [
    {
      provide: PersonalDataVault,
      inject: [EventStore, ServiceConfig],
      // PII_MASTER_KEY from the validated configuration wraps each order's key (a warning outside development when unset).
      useFactory: (store: EventStore, config: ServiceConfig) => PersonalDataVault.create({ pool: store.pool, masterKey: piiMasterKeyOf(config) }),
    },
    { provide: APP_INTERCEPTOR, useClass: InputRuleStatusInterceptor },
    DeliveryCommands,
    OrderResponses,
    OrderIds,
    CreateOrder,
    ListOrders,
    UpdateOrder,
    DeleteOrder,
    BatchUpsertOrders,
    SettingsService,
    ReadModelsProjection,
    TargetPoints,
    PositionDecisions,
    RouteMembership,
    VisitDetector,
    courierMessaging,
  ],
})
export class AppModule {}
