// Market's OrderStatusType (domain.md §1.3). Market may add values ("no need to process them"): those are kept as
// UNKNOWN, with the raw value beside them in the event, so nothing Market said is lost.
export const MARKET_STATUSES = [
  'PLACING', 'RESERVED', 'UNPAID', 'PROCESSING', 'DELIVERY', 'PICKUP', 'DELIVERED', 'CANCELLED', 'PENDING',
  'PARTIALLY_RETURNED', 'RETURNED', 'UNKNOWN',
] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];

export const PAYMENT_TYPES = ['PREPAID', 'POSTPAID'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];

/** Why a shop may refuse a buyer's cancellation (OrderCancellationReasonType). */
export const REJECTION_REASONS = ['ORDER_DELIVERED', 'ORDER_IN_DELIVERY'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export function normalizeStatus(raw: string): MarketStatus {
  return (MARKET_STATUSES as readonly string[]).includes(raw) ? (raw as MarketStatus) : 'UNKNOWN';
}

export const isRejectionReason = (value: unknown): value is RejectionReason =>
  typeof value === 'string' && (REJECTION_REASONS as readonly string[]).includes(value);

/** Statuses after which nothing about the order can be decided any more. */
const TERMINAL: readonly MarketStatus[] = ['CANCELLED', 'RETURNED', 'PARTIALLY_RETURNED'];
export const isTerminal = (status: MarketStatus | 'NONE'): boolean => (TERMINAL as readonly string[]).includes(status);

/** The statuses in which a buyer's cancellation needs the shop's decision (R-YM-2). */
export const isHandedToDelivery = (status: MarketStatus | 'NONE'): status is 'DELIVERY' | 'PICKUP' =>
  status === 'DELIVERY' || status === 'PICKUP';

/** The decision window: 48 hours from the buyer's request (R-YM-5, INV-M2). */
export const DECISION_WINDOW_MS = 48 * 60 * 60 * 1000;

/** Instants compared as instants: Market sends offsets (`+03:00`), we record UTC. */
export const instant = (iso: string): number => Date.parse(iso);

export const deadlineFor = (requestedAt: string): string => new Date(instant(requestedAt) + DECISION_WINDOW_MS).toISOString();
