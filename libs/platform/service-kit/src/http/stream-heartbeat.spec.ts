import type { MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import { closeWhenIdle } from './stream-limits';
import { HEARTBEAT_MS, withHeartbeat } from './stream-heartbeat';

describe('server-sent-event heartbeat', () => {
  it('pings every 15 s between events, for as long as the stream is open, and the idle check ignores the pings', () => {
    // Fake timers: the interval is the subject here, and a loaded machine must not decide the outcome.
    jest.useFakeTimers();
    try {
      const events = new Subject<MessageEvent>();
      const received: string[] = [];
      let closed = false;
      const subscription = withHeartbeat(events)
        .pipe(closeWhenIdle(HEARTBEAT_MS * 3 + 1))
        .subscribe({ next: (e) => received.push(String(e.type)), complete: () => (closed = true) });
      jest.advanceTimersByTime(HEARTBEAT_MS - 1);
      expect(received).toEqual([]);
      jest.advanceTimersByTime(1);
      events.next({ type: 'order.received', data: {} });
      jest.advanceTimersByTime(HEARTBEAT_MS * 2);
      expect(received).toEqual(['ping', 'order.received', 'ping', 'ping']);
      expect(closed).toBe(false);
      jest.advanceTimersByTime(HEARTBEAT_MS + 1); // three pings since the last event: idle
      expect(closed).toBe(true);
      subscription.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
