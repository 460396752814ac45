import { Reflector } from '@nestjs/core';
import { lastValueFrom, NEVER, Observable, of, Subject, Subscription, toArray } from 'rxjs';
import { closeWhenIdle, StreamLimits, StreamLimitsInterceptor } from './stream-limits';

describe('server-sent-event stream limits', () => {
  it('closes a stream that sent only heartbeats for the idle time, and keeps one that is active', () => {
    // Fake timers: the idle clock is the subject here, and a loaded machine must not decide the outcome.
    jest.useFakeTimers();
    try {
      const events = new Subject<{ type: string }>();
      const received: string[] = [];
      let closed = false;
      events.pipe(closeWhenIdle(80)).subscribe({
        next: (e) => received.push(e.type),
        complete: () => {
          closed = true;
        },
      });
      jest.advanceTimersByTime(50);
      events.next({ type: 'order.received' }); // activity: the idle clock starts again
      jest.advanceTimersByTime(50);
      events.next({ type: 'ping' }); // a heartbeat is not activity
      jest.advanceTimersByTime(29);
      expect(closed).toBe(false); // 79 ms after the last activity
      jest.advanceTimersByTime(1);
      expect(closed).toBe(true);
      expect(received).toEqual(['order.received', 'ping']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts open streams per principal, refuses one too many with 429, and frees the slot when a stream ends', async () => {
    const interceptor = new StreamLimitsInterceptor(new Reflector(), new StreamLimits({ perPrincipal: 2 }));
    const headers: Record<string, string> = {};
    class Board {
      stream(): string {
        return 'events';
      }
    }
    const context = (principal: string) =>
      ({
        getClass: () => Board,
        getHandler: () => Board.prototype.stream,
        switchToHttp: () => ({
          getRequest: () => ({ principal: { id: principal } }),
          getResponse: () => ({
            setHeader: (n: string, v: string) => {
              headers[n] = v;
            },
          }),
        }),
      }) as never;
    const streams: Subscription[] = [];
    const open = (principal: string, source: Observable<unknown> = NEVER) => {
      const stream = interceptor.intercept(context(principal), { handle: () => source }).subscribe();
      streams.push(stream);
      return stream;
    };
    const first = open('desk-a');
    open('desk-a');
    expect(() => open('desk-a')).toThrow(
      expect.objectContaining({ status: 429, response: expect.objectContaining({ code: 'LIMIT_EXCEEDED' }) }),
    );
    expect(headers['Retry-After']).toBe('30');
    open('desk-b');
    first.unsubscribe();
    open('desk-a');
    expect(interceptor.openStreams()).toBe(3);
    expect(
      await lastValueFrom(interceptor.intercept(context('desk-c'), { handle: () => of(1, 2) }).pipe(toArray())),
    ).toEqual([1, 2]);
    expect(interceptor.openStreams()).toBe(3);
    for (const stream of streams) stream.unsubscribe();
    expect(interceptor.openStreams()).toBe(0);
  });
});
