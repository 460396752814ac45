export { EVENT_STORE_OPTIONS, EventStoreLifecycle, EventStoreModule, EventStoreSubscriptions } from './event-store.module';
export type { EventStoreModuleAsyncOptions, EventStoreModuleOptions } from './event-store.module';
