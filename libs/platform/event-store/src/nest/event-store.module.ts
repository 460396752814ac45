import {
  Inject, Injectable, Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OnApplicationBootstrap,
  type OnApplicationShutdown, type OptionalFactoryDependency,
} from '@nestjs/common';
import { EventStore, type EventStoreOptions } from '../event-store';
import type { Subscription, SubscriptionOptions } from '../subscription';
import type { SubscriptionHandler } from '../types';

// Nest lives in this folder only: the store itself does not depend on Nest.

export const EVENT_STORE_OPTIONS = Symbol('EVENT_STORE_OPTIONS');

export interface EventStoreModuleOptions extends EventStoreOptions {
  /** Run the store's migrations on start-up (default true). */
  runMigrations?: boolean;
}

export interface EventStoreModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => EventStoreModuleOptions | Promise<EventStoreModuleOptions>;
  /** Register the providers globally (default true: one store per app). */
  isGlobal?: boolean;
}

/** Starts registered subscriptions once the app has bootstrapped; the store stops them on shutdown. */
@Injectable()
export class EventStoreSubscriptions implements OnApplicationBootstrap {
  private readonly pending: Subscription[] = [];
  private bootstrapped = false;

  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  register(name: string, handler: SubscriptionHandler, options?: SubscriptionOptions): Subscription {
    const subscription = this.store.subscribe(name, handler, options);
    if (this.bootstrapped) void subscription.start();
    else this.pending.push(subscription);
    return subscription;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.bootstrapped = true;
    await Promise.all(this.pending.splice(0).map((subscription) => subscription.start()));
  }
}

/** Closes the store (stops subscriptions, waits for snapshot writes, ends the pool) when the app shuts down. */
@Injectable()
export class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

async function openStore(options: EventStoreModuleOptions): Promise<EventStore> {
  const { runMigrations = true, ...storeOptions } = options;
  return runMigrations ? EventStore.create(storeOptions) : new EventStore(storeOptions);
}

/**
 * `EventStoreModule.forRootAsync({ inject: [ConfigService], useFactory: (config) => ({ connection: ..., schema: ... }) })`
 * provides `EventStore` (inject it by class; it makes command handlers and subscriptions) and
 * `EventStoreSubscriptions` (subscriptions started after bootstrap).
 */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreModuleOptions & { isGlobal?: boolean }): DynamicModule {
    const { isGlobal, ...rest } = options;
    return EventStoreModule.forRootAsync({ useFactory: () => rest, isGlobal });
  }

  static forRootAsync(options: EventStoreModuleAsyncOptions): DynamicModule {
    return {
      module: EventStoreModule,
      global: options.isGlobal ?? true,
      imports: options.imports ?? [],
      providers: [
        { provide: EVENT_STORE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: EventStore, inject: [EVENT_STORE_OPTIONS], useFactory: openStore },
        EventStoreSubscriptions,
        EventStoreLifecycle,
      ],
      exports: [EventStore, EventStoreSubscriptions, EVENT_STORE_OPTIONS],
    };
  }
}
