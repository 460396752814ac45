import type { MessageEvent } from '@nestjs/common';
import { EMPTY, Observable } from 'rxjs';
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

export const boardMessage = (item: BoardNotice | BoardResync): MessageEvent =>
  'resync' in item
    ? {
        type: 'board.resync',
        id: String(item.latest),
        data: { reason: item.resync, message: RESYNC_MESSAGES[item.resync] },
      }
    : noticeMessage(item);

const noticeMessage = (notice: BoardNotice): MessageEvent => ({
  type: notice.eventType === 'ExternalOrderReceived' ? 'order.received' : 'order.status_changed',
  id: notice.seq === undefined ? `${notice.orderId}:${notice.version}` : String(notice.seq),
  data: {
    orderId: notice.orderId,
    number: notice.externalId,
    status: notice.status,
    version: notice.version,
    eventType: notice.eventType,
    at: notice.at,
  },
});

/**
 * Live notices after change number `after`, each passed on once and in order. The stream listens before it reads
 * the missed ones (numbered after `after`), holding what arrives meanwhile, so nothing committed between the start
 * and the read is lost and nothing is sent twice. It catches up the same way each time the process's LISTEN
 * connection was `lost` and listens again (a database restart): what was notified meanwhile is read from the feed
 * after the last number sent. When missed ones cannot all be replayed (pruned, or too many), a resync goes first
 * instead and the live notices continue after its number.
 */
export function resumedStream(
  live: Observable<BoardNotice>,
  after: number,
  missed: (after: number) => Promise<MissedChanges>,
  lost: Observable<void> = EMPTY,
): Observable<BoardNotice | BoardResync> {
  return new Observable<BoardNotice | BoardResync>((subscriber) => {
    let last = after;
    let catchingUp = 0;
    let held: BoardNotice[] = [];
    let queue = Promise.resolve();
    const pass = (notice: BoardNotice): void => {
      if (notice.seq === undefined) return subscriber.next(notice);
      if (notice.seq <= last) return;
      last = notice.seq;
      subscriber.next(notice);
    };
    const catchUp = (): void => {
      catchingUp += 1;
      queue = queue
        .then(() => missed(last))
        .then((changes) => {
          if ('resync' in changes) {
            last = Math.max(last, changes.latest);
            subscriber.next(changes);
          } else changes.notices.forEach(pass);
          catchingUp -= 1;
          if (catchingUp > 0) return;
          const waiting = held;
          held = [];
          waiting.forEach(pass);
        })
        .catch((error: unknown) => subscriber.error(error));
    };
    const subscription = live.subscribe({
      next: (notice) => (catchingUp > 0 ? held.push(notice) : pass(notice)),
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    subscription.add(lost.subscribe(() => catchUp()));
    catchUp();
    return () => subscription.unsubscribe();
  });
}
