import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ServiceConfig, readServiceConfig } from './service-config';
import { ServiceDefinition } from './service-definition';

const NAMESPACE = 'service';

/**
 * @nestjs/config validates the environment when the app module is loaded, so a bad variable stops the
 * service before it opens a connection; the typed result is then injectable as `ServiceConfig`.
 */
@Module({})
export class ServiceConfigModule {
  static forRoot(definition: ServiceDefinition): DynamicModule {
    const config = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      cache: true,
      validate: (env) => {
        readServiceConfig(definition, env);
        return env;
      },
      load: [() => ({ [NAMESPACE]: readServiceConfig(definition, process.env) })],
    });
    // Nest awaits this promise while creating the app and reports a rejection there; without this
    // handler Node would crash on an "unhandled" rejection first, before bootstrap can print it.
    config.catch(() => undefined);
    return {
      module: ServiceConfigModule,
      global: true,
      imports: [config],
      providers: [{ provide: ServiceConfig, inject: [ConfigService], useFactory: (config: ConfigService) => config.getOrThrow<ServiceConfig>(NAMESPACE) }],
      exports: [ServiceConfig],
    };
  }
}
