import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MicroserviceOptions, type NestMicroservice } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { createConsumer, type Consumer, type ConsumerOptions } from '../consumer';
import type { HandlerContext, InboundMessage } from '../types';
import { MessageContext } from './message-context';

export type MessagingTransportOptions = Omit<ConsumerOptions, 'handle' | 'accepts'>;

/**
 * The consumer runner as a Nest transport: `@EventPattern('<EventType>')` methods handle messages, dispatched by
 * the `event-type` header, so many types share a topic. A type without a handler is skipped.
 */
export class MessagingTransport extends Server implements CustomTransportStrategy {
  // failures are ours to handle (retries, dead letters), so Nest does not need to log them as unobserved
  override readonly propagatesEventHandlerErrors = true;
  private consumer: Consumer | undefined;

  constructor(private readonly options: MessagingTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const consumer = createConsumer({
      ...this.options,
      accepts: (type) => this.getHandlerByPattern(type) !== null,
      handle: (message, context) => this.dispatch(message, context),
    });
    this.consumer = consumer;
    consumer.start().then(() => {
      this._status$.next('connected');
      callback();
    }, (error: unknown) => callback(error));
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
    this._status$.next('disconnected');
  }

  /** Status events are exposed through `status`; there are no other transport events. */
  on(): this {
    return this;
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async dispatch(message: InboundMessage, context: HandlerContext): Promise<void> {
    const handler = this.getHandlerByPattern(message.type);
    if (!handler) return;
    const result = await handler(message.payload, new MessageContext([message, context]));
    // a handler may return a value, a promise or an observable: wait for it to complete (its effects are in the tx)
    await lastValueFrom(this.transformToObservable(result) as Observable<unknown>, { defaultValue: undefined });
  }
}

/**
 * Nest's default RPC exception filter turns any error into `{ status: 'error', message: 'Internal server error' }`;
 * the runner needs the original error to decide on retries and to name it in the dead letter.
 */
@Catch()
export class RethrowHandlerErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * `app.connectMicroservice({ strategy })` plus the filter that hands handler errors to the runner unchanged. Global
 * filters must be in place before the listeners are registered, so this defers Nest's registration and then does
 * what `connectMicroservice` itself would have done.
 */
export function connectMessaging(app: INestApplication, transport: MessagingTransport): INestMicroservice {
  const microservice = app.connectMicroservice<MicroserviceOptions>({ strategy: transport }, { deferInitialization: true }) as NestMicroservice;
  microservice.useGlobalFilters(new RethrowHandlerErrors());
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);
  return microservice;
}
