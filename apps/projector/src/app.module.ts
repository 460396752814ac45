import { Module } from '@nestjs/common';
import { ServiceConfig, ServiceKitModule } from '@orders/service-kit';
import { projectorMessaging, stateOutboxStore } from './live/projector-messaging';
import { ProjectionsStatusController } from './projections-status/projections-status.http.controller';
import { PROJECTOR_METRICS } from './metrics';
import { ProjectorRuntime } from './live/projector.runtime';
import { projectorService } from './projector.definition';
import { PROJECTOR_SETTINGS, projectorSettings, type ProjectorSettings } from './settings';
import { ReadModelDb } from './storage/read-model-db';
import { AuditController } from './audit/audit.http.controller';
import { DeadLettersController } from './dead-letters/dead-letters.http.controller';
import { StatusCountsController } from './status-counts/status-counts.http.controller';
import { RebuildController } from './rebuild/rebuild.http.controller';
import { RebuildRuns } from './rebuild/rebuild-runs';
import { ConsumerLagController } from './consumer-lag/consumer-lag.http.controller';

@Module({
  // The read models bring their own TypeORM migrations (ReadModelDb.create), run in their schema before anything
  // consumes; the service kit's TypeORM connection serves health checks.
  imports: [ServiceKitModule.forRoot(projectorService, { settings: [projectorSettings], metrics: PROJECTOR_METRICS })],
  controllers: [
    AuditController,
    StatusCountsController,
    DeadLettersController,
    ProjectionsStatusController,
    RebuildController,
    ConsumerLagController,
  ],
  providers: [
    {
      provide: ReadModelDb,
      inject: [ServiceConfig, PROJECTOR_SETTINGS],
      useFactory: (config: ServiceConfig, settings: ProjectorSettings) =>
        ReadModelDb.create({ connection: config.databaseUrl, schema: settings.schema, poolSize: 16 }),
    },
    stateOutboxStore,
    projectorMessaging,
    ProjectorRuntime,
    RebuildRuns,
  ],
})
export class AppModule {}
