import { Module } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { EventStoreModule } from '@orders/event-store/nest';
import { EXTERNAL_ORDER_UPCASTERS } from '@orders/ordering-domain';
import { PersonalDataVault } from '@orders/personal-data';
import { EventStoreOpsController, ServiceConfig, ServiceKitModule, piiMasterKeyOf } from '@orders/service-kit';
import { BoardNotifications } from './board/board-notifications';
import {
  IntakeBoardChanges1800000000001, IntakeBoardChangesHorizon1800000000002, IntakeOrderBoard1767571200000,
  IntakeOrderBoardPosContents1800000000000,
} from './board/board.migration';
import { BoardChangesPruner } from './board/board-changes-pruner';
import { BoardProjection } from './board/board.projection';
import { OrderBoardAdminController } from './board/order-board-admin.http.controller';
import { OrderBoardEventsController } from './board/order-board-events.http.controller';
import { OrderBoardController } from './board/order-board.http.controller';
import { OrderBoardService } from './board/order-board.service';
import { intakeSettings } from './config/intake-settings';
import { AcceptOrderController } from './external-orders/accept-order/accept-order.http.controller';
import { ArchiveOrderController } from './external-orders/archive-order/archive-order.http.controller';
import { ConfirmContentsController } from './external-orders/confirm-contents/confirm-contents.http.controller';
import { DispatchOrderController } from './external-orders/dispatch-order/dispatch-order.http.controller';
import { ExternalOrderCommands } from './external-orders/external-orders.commands';
import { ExternalOrdersService } from './external-orders/external-orders.service';
import { GetOrderController } from './external-orders/get-order/get-order.http.controller';
import { RejectOrderController } from './external-orders/reject-order/reject-order.http.controller';
import { SubmitOrderController } from './external-orders/submit-order/submit-order.http.controller';
import { intakeService } from './intake.definition';
import { INTAKE_METRICS } from './intake.metrics';
import { INTAKE_MESSAGE_CONTROLLERS, intakeMessaging } from './publishing/intake-messaging';

@Module({
  imports: [
    // TypeORM runs the read model's migrations; the event store and the vault bring their own.
    ServiceKitModule.forRoot(intakeService, {
      migrations: [
        IntakeOrderBoard1767571200000, IntakeOrderBoardPosContents1800000000000, IntakeBoardChanges1800000000001,
        IntakeBoardChangesHorizon1800000000002,
      ],
      settings: [intakeSettings], metrics: INTAKE_METRICS,
    }),
    EventStoreModule.forRootAsync({
      inject: [ServiceConfig],
      // Older ExternalOrderReceived events (no requested-time offset) are read in the current format, and new ones
      // are written in it.
      useFactory: (config: ServiceConfig) => ({
        connection: { connectionString: config.databaseUrl, max: 20, application_name: 'intake' },
        schema: 'event_store',
        upcasters: EXTERNAL_ORDER_UPCASTERS,
      }),
    }),
  ],
  controllers: [
    // One controller per use case; the order is the one the routes had in a single controller.
    SubmitOrderController, OrderBoardController, GetOrderController, AcceptOrderController, RejectOrderController, ConfirmContentsController,
    DispatchOrderController, ArchiveOrderController,
    OrderBoardEventsController, OrderBoardAdminController,
    ...INTAKE_MESSAGE_CONTROLLERS,
    EventStoreOpsController,
  ],
  providers: [
    {
      provide: PersonalDataVault,
      inject: [EventStore, ServiceConfig],
      // PII_MASTER_KEY from the validated configuration wraps each order's key (a warning outside development when unset).
      useFactory: (store: EventStore, config: ServiceConfig) => PersonalDataVault.create({ pool: store.pool, masterKey: piiMasterKeyOf(config) }),
    },
    ExternalOrderCommands,
    ExternalOrdersService,
    OrderBoardService,
    BoardProjection,
    BoardNotifications,
    BoardChangesPruner,
    intakeMessaging,
  ],
})
export class AppModule {}
