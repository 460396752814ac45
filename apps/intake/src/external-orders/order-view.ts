import { fold } from '@orders/decider-kit';
import type { RecordedEvent } from '@orders/event-store';
import {
  externalOrderDecider,
  type CancellationCause,
  type ExternalOrderEvent,
  type OrderItem,
  type OrderStatus,
  type RejectionReason,
  type ServiceType,
} from '@orders/ordering-domain';
import { dateTimeAtOffset } from '@orders/service-kit';
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
  /** With the offset the client gave it with (UTC for orders stored before the offset was kept). */
  requestedTime: string | null;
  serviceType: ServiceType;
  /**
   * What the order holds now. Before «Принять», the guest's lines; from then on the POS order's contents, which are
   * EMPTY until the operator confirms them (Carbis: "сразу после создания заказ остается пустым"), then the
   * confirmed ones.
   */
  items: readonly OrderItem[];
  /** What the guest ordered, whatever the POS order holds. */
  receivedItems: readonly OrderItem[];
  /** The order total: as received, then as confirmed. */
  amountMinor: number;
  currency: string;
  contentsConfirmed: boolean;
  /** The confirmed contents differ from those received. */
  contentsChanged: boolean;
  /** The POS order (table `Dlv.<number>`) from «Принять» on, with its contents: empty until confirmed. */
  posOrder: { ref: string; table: string; items: readonly OrderItem[] } | null;
  rejection: { reasonCode: RejectionReason; rejectedBy: string; rejectedAt: string } | null;
  cancellation: { cause: CancellationCause; cancellationRef: string; cancelledAt: string } | null;
  /** Null once the personal data was erased (crypto-shredding). */
  customer: GuestRecord['customer'] | null;
  address: string | null;
  location: GuestRecord['location'] | null;
  comment: string | null;
  history: HistoryEntry[];
}

const asDomain = (event: RecordedEvent): ExternalOrderEvent =>
  ({ type: event.type, data: event.data }) as ExternalOrderEvent;

/** Folds a stream into the view; undefined for an empty stream. Status comes from the decider's own fold. */
export function orderViewOf(
  events: readonly RecordedEvent[],
  guest: GuestRecord | undefined,
): ExternalOrderView | undefined {
  // Usually the first event; an early cancellation recorded before the order arrived comes before it.
  const first = events.find((event) => event.type === 'ExternalOrderReceived');
  if (!first) return undefined;
  const domainEvents = events.map(asDomain);
  const received = asDomain(first) as Extract<ExternalOrderEvent, { type: 'ExternalOrderReceived' }>;
  // The fingerprint and the vault reference are plumbing, not something an operator reads.
  const {
    payloadFingerprint: _fingerprint,
    piiRef: _piiRef,
    requestedTimeOffset,
    requestedTime,
    ...facts
  } = received.data;
  const view: ExternalOrderView = {
    ...facts,
    requestedTime: requestedTime === null ? null : dateTimeAtOffset(requestedTime, requestedTimeOffset ?? 'Z'),
    status: 'AWAITING',
    version: 0,
    items: received.data.items,
    receivedItems: received.data.items,
    contentsConfirmed: false,
    contentsChanged: false,
    posOrder: null,
    rejection: null,
    cancellation: null,
    customer: guest?.customer ?? null,
    address: guest?.address ?? null,
    location: guest?.location ?? null,
    comment: guest?.comment ?? null,
    history: [],
  };
  for (const event of domainEvents) {
    switch (event.type) {
      case 'PosOrderCreated':
        view.posOrder = { ref: event.data.posOrderRef, table: event.data.table, items: event.data.items };
        view.items = event.data.items;
        break;
      case 'OrderContentsConfirmed': {
        const { items, amountMinor, changed } = event.data;
        Object.assign(view, { items, amountMinor, contentsConfirmed: true, contentsChanged: changed });
        if (view.posOrder) view.posOrder = { ...view.posOrder, items };
        break;
      }
      case 'ExternalOrderRejected':
        view.rejection = {
          reasonCode: event.data.reasonCode,
          rejectedBy: event.data.rejectedBy,
          rejectedAt: event.data.rejectedAt,
        };
        break;
      case 'ExternalOrderCancelled':
        view.cancellation = {
          cause: event.data.cause,
          cancellationRef: event.data.cancellationRef,
          cancelledAt: event.data.cancelledAt,
        };
        break;
      default:
        break;
    }
  }
  view.status = (fold(externalOrderDecider, domainEvents) as { status: OrderStatus }).status;
  view.version = events[events.length - 1].streamVersion;
  view.history = events.map((event) => ({
    version: event.streamVersion,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    actor: typeof event.metadata.actor === 'string' ? event.metadata.actor : null,
  }));
  return view;
}
