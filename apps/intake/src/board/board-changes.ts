import type { RecordedEvent } from '@orders/event-store';
import type { ExternalOrderEvent } from '@orders/ordering-domain';

/** What one event does to a board row, as SQL parameters; `undefined` fields are left as they are. */
export type BoardChange =
  | { kind: 'insert'; event: RecordedEvent; data: Extract<ExternalOrderEvent, { type: 'ExternalOrderReceived' }>['data'] }
  | {
      kind: 'update'; event: RecordedEvent; status?: string;
      /** The POS order was created with these contents (none: Carbis creates it empty). */
      posItems?: unknown;
      contents?: { items: unknown; amountMinor: number; changed: boolean };
    };

/** The board's evolve: pure, so it is tested without a database. */
export function boardChangeOf(event: RecordedEvent): BoardChange {
  const domain = { type: event.type, data: event.data } as ExternalOrderEvent;
  switch (domain.type) {
    case 'ExternalOrderReceived': return { kind: 'insert', event, data: domain.data };
    case 'PosOrderCreated': return { kind: 'update', event, status: 'CREATED', posItems: domain.data.items };
    case 'ExternalOrderRejected': return { kind: 'update', event, status: 'DELETED' };
    case 'OrderContentsConfirmed':
      return { kind: 'update', event, contents: { items: domain.data.items, amountMinor: domain.data.amountMinor, changed: domain.data.changed } };
    case 'ExternalOrderDispatched': return { kind: 'update', event, status: 'ON_WAY' };
    case 'ExternalOrderArchived': return { kind: 'update', event, status: 'ARCHIVED' };
    case 'ExternalOrderCancelled': return { kind: 'update', event, status: 'CANCELLED' };
    default: return { kind: 'update', event }; // accepted: the POS order event right after carries the status
  }
}

/** Tells SSE listeners in every instance that a row changed; sent inside the projection's transaction (NOTIFY is transactional). */
export interface BoardNotice {
  readonly companyId: string;
  readonly orderId: string;
  readonly externalId: string;
  readonly status: string;
  readonly version: number;
  readonly eventType: string;
  readonly at: string;
  /** Its number in `intake_board_changes`: the server-sent event id a reconnecting stream resumes after. */
  readonly seq?: number;
}

export const BOARD_CHANNEL = 'intake_order_board';

/**
 * Told to a stream that resumes after a change the feed no longer holds (pruned past its retention), or after more
 * changes than are replayed: the client reloads the list instead of trusting a replay with holes. `latest` is the
 * newest change number when it was told: the stream's event id, so its next reconnect resumes from there.
 */
export interface BoardResync {
  readonly resync: 'pruned' | 'too-many';
  readonly latest: number;
}

/** What a stream that resumes has missed: the changes, or a resync when they cannot all be replayed. */
export type MissedChanges = { readonly notices: BoardNotice[] } | BoardResync;
