import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ServiceConfig, readDeclaredSettings, readServiceConfig } from './service-config';
import { ServiceDefinition } from './service-definition';
import { SettingsDeclaration } from './service-settings';

const NAMESPACE = 'service';
const settingsNamespace = (index: number): string => `settings${index}`;

/**
 * The only reader of the environment in apps and libs (eslint forbids `process.env` elsewhere). @nestjs/config
 * validates it when the app module is loaded, the kit's variables and every service's declared settings together,
 * so a bad variable stops the service before it opens a connection, named alongside every other bad one. The typed
 * results are injectable: `ServiceConfig`, and each declaration's own token.
 */
@Module({})
export class ServiceConfigModule {
  static forRoot(definition: ServiceDefinition, declarations: readonly SettingsDeclaration[] = []): DynamicModule {
    const config = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      cache: true,
      validate: (env) => {
        readServiceConfig(definition, env, declarations);
        return env;
      },
      // Load factories run when an app is created (validate runs at import), so each app sees the environment of
      // its own start: the specs boot several apps in one process with different variables.
      load: [() => ({
        [NAMESPACE]: readServiceConfig(definition, process.env, declarations),
        ...Object.fromEntries(declarations.map((d, i) => [settingsNamespace(i), readDeclaredSettings(definition, d, process.env)])),
      })],
    });
    // Nest awaits this promise while creating the app and reports a rejection there; without this
    // handler Node would crash on an "unhandled" rejection first, before bootstrap can print it.
    config.catch(() => undefined);
    const settings: Provider[] = declarations.map((declaration, index) => ({
      provide: declaration.token,
      inject: [ConfigService],
      useFactory: (service: ConfigService) => service.getOrThrow(settingsNamespace(index)),
    }));
    return {
      module: ServiceConfigModule,
      global: true,
      imports: [config],
      providers: [
        { provide: ServiceConfig, inject: [ConfigService], useFactory: (service: ConfigService) => service.getOrThrow<ServiceConfig>(NAMESPACE) },
        ...settings,
      ],
      exports: [ServiceConfig, ...declarations.map((d) => d.token)],
    };
  }
}
