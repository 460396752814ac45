import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MESSAGING_LOG_SCOPE } from '@orders/messaging/nest';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { Metric } from 'prom-client';
import { DataSourceOptions } from 'typeorm';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyRegistry } from './auth/api-keys';
import { MeController } from './auth/me.http.controller';
import { ServiceConfig } from './config/service-config';
import { ServiceConfigModule } from './config/service-config.module';
import { ServiceDefinition } from './config/service-definition';
import { SettingsDeclaration } from './config/service-settings';
import { Clock, SystemClock } from './clock';
import { ERROR_DIALECTS, type ErrorDialectRoutes } from './errors/error-dialect';
import { OPENAPI_SCHEMAS } from './http/openapi-document';
import { ErrorEnvelopeFilter } from './errors/error-envelope.filter';
import { createValidationPipe } from './errors/validation-pipe';
import { HealthController } from './health/health.controller';
import { KafkaHealthIndicator } from './health/kafka.health';
import { loggerParams, pinoLogScope } from './logging/logger-params';
import { APP_METRICS, HttpMetrics } from './metrics/http-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { TracingRuntime } from './telemetry/tracing-runtime';

export interface ServiceKitOptions {
  /** The service's TypeORM migrations; they run on start-up. */
  readonly migrations?: DataSourceOptions['migrations'];
  readonly entities?: DataSourceOptions['entities'];
  /** The service's own settings, validated with the kit's variables and injectable by their tokens. */
  readonly settings?: readonly SettingsDeclaration[];
  /** Defaults to the system clock; specs and benchmarks pass a ManualClock. */
  readonly clock?: Clock;
  /** Routes that mirror another API and word their errors its way (see ErrorDialectRoutes). */
  readonly errorDialects?: readonly ErrorDialectRoutes[];
  /** Schemas the document names but no DTO class declares (a vendor's, for a façade of its API), by component name. */
  readonly openApiSchemas?: Readonly<Record<string, Record<string, unknown>>>;
  /** The app's own metrics (business counters, gauges): served on /metrics with the kit's and the messaging ones. */
  readonly metrics?: readonly Metric[];
}

/** Everything a service shell shares: config, clock, logs, database, health, metrics, auth, errors, validation. */
@Module({})
export class ServiceKitModule {
  static forRoot(definition: ServiceDefinition, options: ServiceKitOptions = {}): DynamicModule {
    const config = ServiceConfigModule.forRoot(definition, options.settings);
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        config,
        LoggerModule.forRootAsync({ imports: [config], inject: [ServiceConfig], useFactory: loggerParams }),
        TypeOrmModule.forRootAsync({
          imports: [config],
          inject: [ServiceConfig],
          useFactory: (service: ServiceConfig) => ({
            type: 'postgres' as const,
            url: service.databaseUrl,
            applicationName: service.service.name,
            connectTimeoutMS: 5000,
            // Schemas change only through migrations, applied on start-up (architecture rule 9).
            synchronize: false,
            migrationsRun: true,
            migrations: options.migrations ?? [],
            entities: options.entities ?? [],
            autoLoadEntities: true,
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
        TerminusModule.forRoot(),
      ],
      controllers: [HealthController, MetricsController, MeController],
      providers: [
        options.clock ? { provide: Clock, useValue: options.clock } : { provide: Clock, useClass: SystemClock },
        { provide: APP_METRICS, useValue: options.metrics ?? [] },
        HttpMetrics,
        KafkaHealthIndicator,
        {
          provide: ApiKeyRegistry,
          inject: [ServiceConfig],
          useFactory: (service: ServiceConfig) => new ApiKeyRegistry(service.apiKeys),
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: ERROR_DIALECTS, useValue: options.errorDialects ?? [] },
        { provide: OPENAPI_SCHEMAS, useValue: options.openApiSchemas ?? {} },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: TracingRuntime, inject: [ServiceConfig], useFactory: (service: ServiceConfig) => TracingRuntime.start(service) },
        // The consumers' lines carry the message's ids: pino's scope around each message (startMessaging takes it).
        { provide: MESSAGING_LOG_SCOPE, inject: [PinoLogger], useFactory: pinoLogScope },
      ],
      exports: [ServiceConfigModule, ApiKeyRegistry, HttpMetrics, Clock, MESSAGING_LOG_SCOPE],
    };
  }
}
