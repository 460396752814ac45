export { MessageContext } from './message-context';
export { connectMessaging, MessagingTransport, RethrowHandlerErrors } from './messaging-transport';
export type { MessagingTransportOptions } from './messaging-transport';
export { RELAY_OPTIONS, RelayLifecycle, RelayModule } from './relay.module';
export type { RelayModuleAsyncOptions } from './relay.module';
