import { fold } from '@orders/decider-kit';
import type { RecordedEvent } from '@orders/event-store';
import {
  externalOrderDecider, type CancellationCause, type ExternalOrderEvent, type OrderItem, type OrderStatus, type RejectionReason, type ServiceType,
} from '@orders/ordering-domain';
import type { GuestRecord } from './personal-data';

interface HistoryEntry {
  readonly version: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: string | null;
}

/** One order as an operator opens it: the seed's window with the dishes, the guest's data and what happened. */
export interface ExternalOrderView {
  orderId: string;
  companyId: string;
  source: string;
  externalId: string;
  status: OrderStatus;
  version: number;
  receivedAt: string;
  requestedTime: string | null;
  serviceType: ServiceType;
  /** What the order holds now: the confirmed contents once confirmed, else what was received. */
  items: readonly OrderItem[];
  receivedItems: readonly OrderItem[];
  amountMinor: number;
  currency: string;
  contentsConfirmed: boolean;
  /** The confirmed contents differ from those received. */
  contentsChanged: boolean;
  posOrder: { ref: string; table: string } | null;
  rejection: { reasonCode: RejectionReason; rejectedBy: string; rejectedAt: string } | null;
  cancellation: { cause: CancellationCause; cancellationRef: string; cancelledAt: string } | null;
  /** Null once the personal data was erased (crypto-shredding). */
  customer: GuestRecord['customer'] | null;
  address: string | null;
  location: GuestRecord['location'] | null;
  comment: string | null;
  history: HistoryEntry[];
}

const asDomain = (event: RecordedEvent): ExternalOrderEvent => ({ type: event.type, data: event.data }) as ExternalOrderEvent;

/** Folds a stream into the view; undefined for an empty stream. Status comes from the decider's own fold. */
export function orderViewOf(events: readonly RecordedEvent[], guest: GuestRecord | undefined): ExternalOrderView | undefined {
  // Usually the first event; an early cancellation recorded before the order arrived comes before it.
  const first = events.find((event) => event.type === 'ExternalOrderReceived');
  if (!first) return undefined;
  const domainEvents = events.map(asDomain);
  const received = asDomain(first) as Extract<ExternalOrderEvent, { type: 'ExternalOrderReceived' }>;
  // The fingerprint and the vault reference are plumbing, not something an operator reads.
  const { payloadFingerprint: _fingerprint, piiRef: _piiRef, ...facts } = received.data;
  const view: ExternalOrderView = {
    ...facts, status: 'AWAITING', version: 0, items: received.data.items, receivedItems: received.data.items,
    contentsConfirmed: false, contentsChanged: false, posOrder: null, rejection: null, cancellation: null,
    customer: guest?.customer ?? null, address: guest?.address ?? null, location: guest?.location ?? null, comment: guest?.comment ?? null,
    history: [],
  };
  for (const event of domainEvents) {
    switch (event.type) {
      case 'PosOrderCreated': view.posOrder = { ref: event.data.posOrderRef, table: event.data.table }; break;
      case 'OrderContentsConfirmed':
        Object.assign(view, { items: event.data.items, amountMinor: event.data.amountMinor, contentsConfirmed: true, contentsChanged: event.data.changed });
        break;
      case 'ExternalOrderRejected': view.rejection = { reasonCode: event.data.reasonCode, rejectedBy: event.data.rejectedBy, rejectedAt: event.data.rejectedAt }; break;
      case 'ExternalOrderCancelled':
        view.cancellation = { cause: event.data.cause, cancellationRef: event.data.cancellationRef, cancelledAt: event.data.cancelledAt };
        break;
      default: break;
    }
  }
  view.status = (fold(externalOrderDecider, domainEvents) as { status: OrderStatus }).status;
  view.version = events[events.length - 1].streamVersion;
  view.history = events.map((event) => ({
    version: event.streamVersion, type: event.type, occurredAt: event.occurredAt.toISOString(),
    actor: typeof event.metadata.actor === 'string' ? event.metadata.actor : null,
  }));
  return view;
}
