import { Reflector } from '@nestjs/core';
import { lastValueFrom, NEVER, Observable, of, Subject, Subscription, toArray } from 'rxjs';
import { closeWhenIdle, StreamLimits, StreamLimitsInterceptor } from './stream-limits';

describe('server-sent-event stream limits', () => {
  it('closes a stream that sent only heartbeats for the idle time, and keeps one that is active', async () => {
    const events = new Subject<{ type: string }>();
    const received: string[] = [];
    const closed = new Promise<void>((resolve) => events.pipe(closeWhenIdle(80)).subscribe({ next: (e) => received.push(e.type), complete: resolve }));
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    events.next({ type: 'order.received' }); // activity: the idle clock starts again
    events.next({ type: 'ping' });
    await closed;
    expect(received).toEqual(['order.received', 'ping']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + 75);
  });

  it('counts open streams per principal, refuses one too many with 429, and frees the slot when a stream ends', async () => {
    const interceptor = new StreamLimitsInterceptor(new Reflector(), new StreamLimits({ perPrincipal: 2 }));
    const headers: Record<string, string> = {};
    class Board { stream(): string { return 'events'; } }
    const context = (principal: string) => ({
      getClass: () => Board, getHandler: () => Board.prototype.stream,
      switchToHttp: () => ({ getRequest: () => ({ principal: { id: principal } }), getResponse: () => ({ setHeader: (n: string, v: string) => { headers[n] = v; } }) }),
    }) as never;
    const streams: Subscription[] = [];
    const open = (principal: string, source: Observable<unknown> = NEVER) => {
      const stream = interceptor.intercept(context(principal), { handle: () => source }).subscribe();
      streams.push(stream);
      return stream;
    };
    const first = open('desk-a');
    open('desk-a');
    expect(() => open('desk-a')).toThrow(expect.objectContaining({ status: 429, response: expect.objectContaining({ code: 'LIMIT_EXCEEDED' }) }));
    expect(headers['Retry-After']).toBe('30');
    open('desk-b');
    first.unsubscribe();
    open('desk-a');
    expect(interceptor.openStreams()).toBe(3);
    expect(await lastValueFrom(interceptor.intercept(context('desk-c'), { handle: () => of(1, 2) }).pipe(toArray()))).toEqual([1, 2]);
    expect(interceptor.openStreams()).toBe(3);
    for (const stream of streams) stream.unsubscribe();
    expect(interceptor.openStreams()).toBe(0);
  });
});
