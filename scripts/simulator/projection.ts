import type { RecordedEvent } from '@orders/event-store';

/** One row of the order summary read model (the projector's order summary, reduced to what the invariants read). */
export interface OrderSummary {
  readonly intake?: string;
  readonly delivery?: string;
  readonly market?: string;
  readonly cancellation?: string;
  readonly events: number;
}

const INTAKE_STATUS: Readonly<Record<string, string>> = {
  ExternalOrderReceived: 'AWAITING', PosOrderCreated: 'CREATED', ExternalOrderRejected: 'DELETED', ExternalOrderDispatched: 'ON_WAY',
  ExternalOrderArchived: 'ARCHIVED', ExternalOrderCancelled: 'CANCELLED',
};
const REQUEST_STATE: Readonly<Record<string, string>> = {
  CancellationRequested: 'PENDING', CancellationAccepted: 'ACCEPTED', CancellationRejected: 'REJECTED', CancellationAutoAccepted: 'AUTO_ACCEPTED',
};

/** The pure fold of one event onto a summary row: the rebuild and the incremental projection both use it. */
export function foldSummary(row: OrderSummary, event: RecordedEvent): OrderSummary {
  const data = event.data as Record<string, unknown>;
  const next = { ...row, events: row.events + 1 };
  switch (event.streamType) {
    case 'external_order': {
      if (event.type === 'OrderContentsConfirmed') return { ...next, intake: row.intake === 'CREATED' ? 'ACCEPTED' : row.intake };
      const status = INTAKE_STATUS[event.type];
      return status ? { ...next, intake: status } : next;
    }
    case 'delivery':
      if (event.type === 'DeliveryCreated') return { ...next, delivery: data.status as string };
      if (event.type === 'DeliveryStatusChanged') return { ...next, delivery: data.to as string };
      if (event.type === 'DeliveryUndone') return { ...next, delivery: data.restored_status as string };
      return next;
    case 'marketplace_order':
      if (event.type === 'MarketplaceOrderSynced') return { ...next, market: data.status as string };
      if (event.type === 'MarketplaceOrderCancelled') {
        return { ...next, market: 'CANCELLED', cancellation: row.cancellation === 'PENDING' ? 'CLOSED' : row.cancellation };
      }
      if (REQUEST_STATE[event.type]) {
        // A rejection of a request no longer pending changes nothing, as in the decider's own fold.
        if (event.type !== 'CancellationRequested' && row.cancellation !== 'PENDING') return next;
        return { ...next, cancellation: REQUEST_STATE[event.type] };
      }
      return next;
    default:
      return next;
  }
}

export const EMPTY_SUMMARY: OrderSummary = { events: 0 };

/**
 * The projection as a service runs it: tails the global log from a checkpoint, at least once (a crash before the
 * checkpoint is saved replays a tail), and skips what it applied already by each stream's version.
 */
export class OrderSummaryProjection {
  readonly rows = new Map<string, OrderSummary>();
  private readonly applied = new Map<string, number>();
  checkpoint = 0;
  /** The furthest position ever applied: what a rebuild must fold up to. */
  highWater = 0;

  constructor(private readonly orderOf: (streamId: string) => string | undefined) {}

  /** Applies `events` (the log after the checkpoint); returns the orders whose rows changed. */
  apply(events: readonly RecordedEvent[], touched: Set<string>): void {
    for (const event of events) {
      const position = Number(event.globalPosition);
      if ((this.applied.get(event.streamId) ?? 0) < event.streamVersion) {
        const order = this.orderOf(event.streamId);
        if (order !== undefined) {
          this.rows.set(order, foldSummary(this.rows.get(order) ?? EMPTY_SUMMARY, event));
          touched.add(order);
        }
        this.applied.set(event.streamId, event.streamVersion);
      }
      this.checkpoint = position;
      this.highWater = Math.max(this.highWater, position);
    }
  }

  /** A crash after applying but before saving the checkpoint: the next run starts further back. */
  rewind(to: number): void {
    this.checkpoint = Math.min(this.checkpoint, Math.max(0, to));
  }
}
