import type { MessageEvent } from '@nestjs/common';
import { interval, map, merge, type Observable } from 'rxjs';

/** Proxies close silent connections: a stream sends this between events. */
export const HEARTBEAT: MessageEvent = { type: 'ping', data: '' };
export const HEARTBEAT_MS = 15_000;

/** Heartbeats keep proxies from closing a quiet stream; they are not activity (see `closeWhenIdle`). */
export const isHeartbeat = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && (event as { type?: unknown }).type === HEARTBEAT.type;

/** A server-sent-event stream's events with a `ping` every `everyMs` in between, for as long as it is open. */
export function withHeartbeat(events: Observable<MessageEvent>, everyMs = HEARTBEAT_MS): Observable<MessageEvent> {
  return merge(events, interval(everyMs).pipe(map((): MessageEvent => HEARTBEAT)));
}
