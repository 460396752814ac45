import {
  Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type InjectionToken, type ModuleMetadata,
  type OnApplicationBootstrap, type OptionalFactoryDependency,
} from '@nestjs/common';
import { Relay, type RelayOptions } from '../relay';
import { BackgroundStart } from './kafka-lifecycle';

export const RELAY_OPTIONS = Symbol('MESSAGING_RELAY_OPTIONS');

export interface RelayModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => RelayOptions | Promise<RelayOptions>;
}

/**
 * Starts the relay once the app has bootstrapped, in the background (a broker that is down delays publishing, never
 * the boot); stops it before shutdown, so before the event store closes.
 */
@Injectable()
export class RelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lifecycle: BackgroundStart;

  constructor(@Inject(Relay) relay: Relay, @Inject(RELAY_OPTIONS) options: RelayOptions) {
    this.lifecycle = new BackgroundStart([{ name: `relay ${relay.name}`, start: () => relay.start(), stop: () => relay.stop() }], {}, options.kafka);
  }

  onApplicationBootstrap(): void {
    this.lifecycle.start();
  }

  /** Resolves once the relay runs. */
  ready(): Promise<void> {
    return this.lifecycle.ready();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.lifecycle.stop();
  }
}

/**
 * `RelayModule.forRootAsync({ inject: [EventStore, ConfigService], useFactory: (store, config) => ({ store, kafka, name, map }) })`
 * provides the `Relay` and runs it for the app's lifetime (call `app.enableShutdownHooks()` for a clean stop).
 */
@Module({})
export class RelayModule {
  static forRootAsync(options: RelayModuleAsyncOptions): DynamicModule {
    return {
      module: RelayModule,
      imports: options.imports ?? [],
      providers: [
        { provide: RELAY_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: Relay, inject: [RELAY_OPTIONS], useFactory: (relayOptions: RelayOptions) => new Relay(relayOptions) },
        RelayLifecycle,
      ],
      exports: [Relay, RelayLifecycle],
    };
  }
}
