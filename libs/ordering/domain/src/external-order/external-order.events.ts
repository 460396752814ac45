import type { Event } from '@orders/decider-kit';

/** One line of an order. Money is an integer in minor units (kopecks, cents): never a float. */
export interface OrderItem {
  readonly sku?: string;
  readonly name: string;
  /** Positive; fractional for goods sold by weight. */
  readonly quantity: number;
  readonly priceMinor: number;
}

/** Where an order came from: the restaurant's own site, an aggregator, a marketplace (a slug such as `site`). */
export type OrderSource = string;

export const SERVICE_TYPES = ['courier', 'pickup'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Why an operator refused an order (Carbis «Удален»): a stable code, never free text that could hold personal data. */
export const REJECTION_REASONS = [
  'GUEST_REFUSED',
  'GUEST_UNREACHABLE',
  'OUT_OF_STOCK',
  'OUT_OF_DELIVERY_AREA',
  'DUPLICATE_ORDER',
  'TEST_ORDER',
  'OTHER',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What ended an order from outside: the marketplace accepted the buyer's cancellation or let it expire. */
export const CANCELLATION_CAUSES = ['MARKETPLACE_CANCELLATION_ACCEPTED', 'MARKETPLACE_CANCELLATION_EXPIRED'] as const;
export type CancellationCause = (typeof CANCELLATION_CAUSES)[number];

// Payloads carry no personal data: name, phone, address and comment live in the per-order encrypted record that
// `piiRef` names (architecture rule 7), so erasing its key leaves the log free of them.
export type ExternalOrderReceived = Event<
  'ExternalOrderReceived',
  {
    orderId: string;
    companyId: string;
    source: OrderSource;
    externalId: string;
    /** Digest of the submitted non-personal fields; a repeat with another digest is a different order. */
    payloadFingerprint: string;
    piiRef: string;
    receivedAt: string;
    /** «Принят на время»: when the guest wants the order (the instant, in UTC); null for as soon as possible. */
    requestedTime: string | null;
    /**
     * The offset the requested time was given with (`+03:00`, `Z`), so it is answered as given. Since schema version
     * 2; null when there is no requested time, and in version-1 events, which kept only the instant (upcast).
     */
    requestedTimeOffset: string | null;
    items: readonly OrderItem[];
    amountMinor: number;
    currency: string;
    serviceType: ServiceType;
  }
>;
/** Every event names its order and the company owning it, so a consumer of any one event knows the tenant. */
interface OfOrder {
  orderId: string;
  companyId: string;
}

/**
 * Carries what the delivery to be created needs (service type, requested time, amount, the guest's record), so
 * downstream services act on this one event without reading the order's history.
 */
export type ExternalOrderAccepted = Event<
  'ExternalOrderAccepted',
  OfOrder & {
    acceptedBy: string;
    acceptedAt: string;
    posOrderRef: string;
    serviceType: ServiceType;
    requestedTime: string | null;
    amountMinor: number;
    currency: string;
    piiRef: string;
  }
>;
/** The POS order exists from here on, and it is empty: the contents become authoritative only when confirmed. */
export type PosOrderCreated = Event<
  'PosOrderCreated',
  OfOrder & { posOrderRef: string; table: string; items: readonly OrderItem[] }
>;
export type ExternalOrderRejected = Event<
  'ExternalOrderRejected',
  OfOrder & { reasonCode: RejectionReason; rejectedBy: string; rejectedAt: string }
>;
export type OrderContentsConfirmed = Event<
  'OrderContentsConfirmed',
  OfOrder & {
    items: readonly OrderItem[];
    amountMinor: number;
    currency: string;
    /** True when the confirmed items differ from those received (the guest changed the order on the phone). */
    changed: boolean;
    confirmedBy: string;
    confirmedAt: string;
  }
>;
export type ExternalOrderDispatched = Event<
  'ExternalOrderDispatched',
  OfOrder & { dispatchedBy: string; dispatchedAt: string }
>;
export type ExternalOrderArchived = Event<
  'ExternalOrderArchived',
  OfOrder & { archivedBy: string; archivedAt: string }
>;
export type ExternalOrderCancelled = Event<
  'ExternalOrderCancelled',
  OfOrder & { cause: CancellationCause; cancellationRef: string; cancelledAt: string }
>;
/**
 * The marketplace ended a cancellation for an order intake has not received yet (messages of two topics race).
 * Internal: kept on the order's stream so that the order, when it arrives, is cancelled at once.
 */
export type EarlyCancellationRecorded = Event<
  'EarlyCancellationRecorded',
  OfOrder & { cause: CancellationCause; cancellationRef: string; recordedAt: string }
>;

export type ExternalOrderEvent =
  | ExternalOrderReceived
  | ExternalOrderAccepted
  | PosOrderCreated
  | ExternalOrderRejected
  | OrderContentsConfirmed
  | ExternalOrderDispatched
  | ExternalOrderArchived
  | ExternalOrderCancelled
  | EarlyCancellationRecorded;

export const EXTERNAL_ORDER_EVENT_TYPES: readonly ExternalOrderEvent['type'][] = [
  'ExternalOrderReceived',
  'ExternalOrderAccepted',
  'PosOrderCreated',
  'ExternalOrderRejected',
  'OrderContentsConfirmed',
  'ExternalOrderDispatched',
  'ExternalOrderArchived',
  'ExternalOrderCancelled',
  'EarlyCancellationRecorded',
];
