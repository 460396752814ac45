import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MicroserviceOptions, type NestMicroservice } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { createConsumer, type Consumer, type ConsumerOptions } from '../consumer';
import type { TopicSpec } from '../topics';
import type { HandlerContext, InboundMessage } from '../types';
import { BackgroundStart, provisioning, type BackgroundStartOptions, type KafkaMember } from './kafka-lifecycle';
import type { LogScope } from '../log-scope';
import { MessageContext } from './message-context';
import { MESSAGING_LOG_SCOPE } from './nest-logging';

/**
 * The consumer's options without `handle` (the `@EventPattern` handlers are the handler), plus the lifecycle's.
 * With `handleBatch` (projections: chunks of a partition per transaction) no `@EventPattern` is used.
 */
export interface MessagingTransportOptions extends Omit<ConsumerOptions, 'handle' | 'accepts'> {
  /**
   * Topics provisioned (from the catalogue) before the group joins: the consumed ones, so a consumer never waits
   * for its producer to create them.
   */
  provision?: TopicSpec[];
  /**
   * Started before the consumer and stopped after it, in the same background lifecycle: the service's relays, a
   * stream consumer. One lifecycle per service, so one `ready()` and one place that retries.
   */
  members?: KafkaMember[];
  /** Pause between start attempts while Kafka is unreachable (default 500 ms .. 30 s). */
  startRetry?: BackgroundStartOptions['retry'];
}

/**
 * The consumer runner as a Nest transport: `@EventPattern('<EventType>')` methods handle messages, dispatched by
 * the `event-type` header, so many types share a topic. A type without a handler is skipped. `listen` returns at
 * once and connects in the background (status `connecting`, then `connected`): a service boots and serves HTTP
 * while the broker is down, and connects when it answers.
 */
export class MessagingTransport extends Server implements CustomTransportStrategy {
  // failures are ours to handle (retries, dead letters), so Nest does not need to log them as unobserved
  override readonly propagatesEventHandlerErrors = true;
  private consumer: Consumer | undefined;
  private lifecycle: BackgroundStart | undefined;
  private readonly readyWaiters: Array<() => void> = [];

  constructor(private readonly options: MessagingTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const { provision, members = [], startRetry, ...consumerOptions } = this.options;
    // A projection (`handleBatch`) takes every decoded type, in chunks, and one at a time through the same handler
    // when a chunk fails; otherwise `@EventPattern` handlers take their types one message per transaction.
    const consumer = createConsumer(consumerOptions.handleBatch ? consumerOptions : {
      ...consumerOptions,
      accepts: (type) => this.getHandlerByPattern(type) !== null,
      handle: (message, context) => this.dispatch(message, context),
    });
    this.consumer = consumer;
    const all: KafkaMember[] = [
      ...(provision?.length ? [provisioning(this.options.kafka, provision)] : []),
      ...members,
      { name: `consumer group ${consumer.groupId}`, start: () => consumer.start(), stop: () => consumer.stop() },
    ];
    const lifecycle = new BackgroundStart(all, { retry: startRetry }, this.options.kafka);
    this.lifecycle = lifecycle;
    this._status$.next('connecting');
    lifecycle.start(() => {
      this._status$.next('connected');
      this.readyWaiters.splice(0).forEach((resolve) => resolve());
    });
    callback();
  }

  /** Binds each message's ids to the log lines of its handling; set by `startMessaging` from the service kit. */
  useLogScope(scope: LogScope): void {
    this.options.logScope ??= scope;
  }

  /** Resolves once every member and the consumer run (specs and benchmarks wait on it). */
  ready(): Promise<void> {
    if (this.lifecycle?.running) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Whether everything runs: false while connecting in the background, and after `close()`. */
  get running(): boolean {
    return this.lifecycle?.running ?? false;
  }

  async close(): Promise<void> {
    const lifecycle = this.lifecycle;
    this.lifecycle = undefined;
    this.consumer = undefined;
    await lifecycle?.stop();
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

/**
 * What every service's `main.ts` (and a spec booting the app) does after `bootstrap`: connects the transport the
 * app module provides under `MessagingTransport` and starts it in the background. A module that turned Kafka off
 * provides `null`; then nothing is connected.
 */
export async function startMessaging(app: INestApplication): Promise<MessagingTransport | undefined> {
  const transport = app.get<MessagingTransport | null>(MessagingTransport, { strict: false });
  if (!transport) return undefined;
  const scope = providedOrUndefined<LogScope>(app, MESSAGING_LOG_SCOPE);
  if (scope) transport.useLogScope(scope);
  connectMessaging(app, transport);
  await app.startAllMicroservices(); // resolves at once: the transport connects in the background
  return transport;
}

/** What the app provides under `token`, if anything (an app without the service kit provides no log scope). */
function providedOrUndefined<T>(app: INestApplication, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}
