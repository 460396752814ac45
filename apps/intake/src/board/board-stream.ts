import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { BoardNotice, BoardResync, MissedChanges } from './board-changes';

/** The event id a client sends back as `Last-Event-ID`: a change's number; other ids (the old `orderId:version`) none. */
export function resumeAfter(lastEventId: string | string[] | undefined): number | undefined {
  const value = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  return value !== undefined && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

const RESYNC_MESSAGES: Record<BoardResync['resync'], string> = {
  pruned: 'the changes after your last event id are no longer kept: reload the list',
  'too-many': 'more changes happened meanwhile than are replayed: reload the list',
};

export const boardMessage = (item: BoardNotice | BoardResync): MessageEvent => 'resync' in item ? {
  type: 'board.resync', id: String(item.latest), data: { reason: item.resync, message: RESYNC_MESSAGES[item.resync] },
} : noticeMessage(item);

const noticeMessage = (notice: BoardNotice): MessageEvent => ({
  type: notice.eventType === 'ExternalOrderReceived' ? 'order.received' : 'order.status_changed',
  id: notice.seq === undefined ? `${notice.orderId}:${notice.version}` : String(notice.seq),
  data: {
    orderId: notice.orderId, number: notice.externalId, status: notice.status, version: notice.version,
    eventType: notice.eventType, at: notice.at,
  },
});

/**
 * Live notices, preceded by the ones numbered after `after` when the client resumes. It listens before it reads the
 * missed ones, holding what arrives meanwhile, then passes on each number once and in order: nothing committed
 * between the reconnect and the read is lost, and nothing is sent twice. When the missed ones cannot all be
 * replayed (pruned, or too many), a resync comes first instead and the live notices continue after its number.
 */
export function resumedStream(
  live: Observable<BoardNotice>, after: number | undefined, missed: (after: number) => Promise<MissedChanges>,
): Observable<BoardNotice | BoardResync> {
  return new Observable<BoardNotice | BoardResync>((subscriber) => {
    let last = after ?? 0;
    let held: BoardNotice[] | undefined = after === undefined ? undefined : [];
    const pass = (notice: BoardNotice): void => {
      if (notice.seq === undefined || after === undefined) return subscriber.next(notice);
      if (notice.seq <= last) return;
      last = notice.seq;
      subscriber.next(notice);
    };
    const subscription = live.subscribe({
      next: (notice) => (held ? held.push(notice) : pass(notice)),
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    if (after !== undefined) {
      missed(after).then(
        (changes) => {
          if ('resync' in changes) {
            last = Math.max(last, changes.latest);
            subscriber.next(changes);
          } else changes.notices.forEach(pass);
          const waiting = held ?? [];
          held = undefined;
          waiting.forEach(pass);
        },
        (error: unknown) => subscriber.error(error),
      );
    }
    return () => subscription.unsubscribe();
  });
}
