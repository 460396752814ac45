import {
  applyDecorators, CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor, Optional, SetMetadata, UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { finalize, Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/api-keys';
import { isHeartbeat } from './stream-heartbeat';

/**
 * Limits of server-sent-event streams. Each open stream holds a socket and a subscription for as long as the client
 * stays, so one principal (a leaked key, a tab opened in a loop) must not be able to hold them all.
 */
export class StreamLimits {
  /** Open streams per principal and route; the next one answers 429 LIMIT_EXCEEDED. */
  readonly perPrincipal: number = 5;
  /** A stream that sent nothing but heartbeats for this long is closed; EventSource clients reconnect by themselves. */
  readonly idleTimeoutMs: number = 30 * 60_000;

  constructor(overrides: Partial<StreamLimits> = {}) {
    Object.assign(this, overrides);
  }
}

const STREAM_LIMITS = 'service-kit:stream-limits';

/** Completes `source` once it emitted nothing but heartbeats for `idleMs`. */
export function closeWhenIdle<T>(idleMs: number): (source: Observable<T>) => Observable<T> {
  return (source) => new Observable<T>((subscriber) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      // A pending idle check must not keep a stopping process alive.
      timer = setTimeout(() => subscriber.complete(), idleMs).unref();
    };
    arm();
    const subscription = source.subscribe({
      next: (value) => {
        if (!isHeartbeat(value)) arm();
        subscriber.next(value);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  });
}

@Injectable()
export class StreamLimitsInterceptor implements NestInterceptor {
  // Per process: the cap protects this process's sockets; another instance has its own.
  private readonly open = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly defaults: StreamLimits = new StreamLimits(),
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<Partial<StreamLimits> | undefined>(STREAM_LIMITS, context.getHandler());
    const limits = new StreamLimits({ ...this.defaults, ...route });
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const slot = `${context.getClass().name}.${context.getHandler().name}:${request.principal?.id ?? 'anonymous'}`;
    const count = this.open.get(slot) ?? 0;
    if (count >= limits.perPrincipal) {
      context.switchToHttp().getResponse<ServerResponse>().setHeader('Retry-After', '30');
      const message = `at most ${limits.perPrincipal} open streams per key`;
      throw new HttpException({ code: 'LIMIT_EXCEEDED', message }, 429);
    }
    this.open.set(slot, count + 1);
    // The slot is released however the stream ends: client gone (unsubscribe), idle, error or completion.
    const release = (): void => {
      const left = (this.open.get(slot) ?? 1) - 1;
      if (left > 0) this.open.set(slot, left);
      else this.open.delete(slot);
    };
    return next.handle().pipe(closeWhenIdle(limits.idleTimeoutMs), finalize(release));
  }

  /** Open streams, for specs and metrics. */
  openStreams(): number {
    return [...this.open.values()].reduce((sum, count) => sum + count, 0);
  }
}

/** On an `@Sse()` route: at most `perPrincipal` open streams per principal, closed after `idleTimeoutMs` idle. */
export const LimitedStream = (limits: Partial<StreamLimits> = {}): MethodDecorator =>
  applyDecorators(SetMetadata(STREAM_LIMITS, limits), UseInterceptors(StreamLimitsInterceptor));
