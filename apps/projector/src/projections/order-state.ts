import type { OrderStateV1 } from '@orders/contracts';
import type { IntegrationEvent } from './integration-event';

/**
 * The order summary: the latest combined state of one order across intake, courier-tracking and
 * marketplace-cancellations, folded from their integration events. `state` is exactly what orders.state.v1
 * carries; `erased` turns the record into a tombstone for good (a late event cannot bring an erased order back).
 */
export interface OrderSummary {
  readonly state: OrderStateV1;
  readonly erased: boolean;
}

type Intake = NonNullable<OrderStateV1['intake']>;
type Delivery = NonNullable<OrderStateV1['delivery']>;
type Marketplace = NonNullable<OrderStateV1['marketplace']>;
type Cancellation = NonNullable<Marketplace['cancellation']>;

const INTAKE_STATUS_BY_EVENT: Readonly<Record<string, Intake['status']>> = {
  ExternalOrderReceived: 'AWAITING',
  ExternalOrderAccepted: 'CREATED',
  ExternalOrderContentsConfirmed: 'ACCEPTED',
  ExternalOrderDispatched: 'ON_WAY',
  ExternalOrderArchived: 'ARCHIVED',
  ExternalOrderRejected: 'DELETED',
  ExternalOrderCancelled: 'CANCELLED',
};

const CANCELLATION_STATUS_BY_EVENT: Readonly<Record<string, Cancellation['status']>> = {
  CancellationAccepted: 'ACCEPTED',
  CancellationRejected: 'REJECTED',
  CancellationExpired: 'EXPIRED',
};

function emptyState(event: IntegrationEvent): OrderStateV1 {
  return {
    orderId: event.orderId,
    tenantId: event.tenantId,
    version: 0,
    updatedAt: event.occurredAt,
    lastEventId: event.eventId,
    lastEventType: event.type,
    intake: null,
    delivery: null,
    marketplace: null,
  };
}

function nextIntake(current: Intake | null, event: IntegrationEvent): Intake | null {
  const status = INTAKE_STATUS_BY_EVENT[event.type];
  if (!status) return current;
  const p = event.payload;
  // Fields a later event restates (the confirmed amount) win; an event seen before ExternalOrderReceived (which
  // per-key ordering makes unlikely) starts from what it carries.
  const base: Intake = current ?? { status, source: 'unknown', externalId: 'unknown', amountMinor: 0, currency: 'XXX' };
  return {
    ...base,
    status,
    ...(typeof p.source === 'string' ? { source: p.source } : {}),
    ...(typeof p.externalId === 'string' ? { externalId: p.externalId } : {}),
    ...(typeof p.amountMinor === 'number' ? { amountMinor: p.amountMinor } : {}),
    ...(typeof p.currency === 'string' ? { currency: p.currency } : {}),
  };
}

function nextDelivery(current: Delivery | null, event: IntegrationEvent): Delivery | null {
  const p = event.payload;
  const base: Delivery = current ?? {
    deliveryId: String(p.deliveryId ?? 'unknown'),
    status: 'new',
    closed: false,
    deliveredAt: null,
  };
  switch (event.type) {
    case 'DeliveryCreated':
      return { deliveryId: String(p.deliveryId), status: 'new', closed: false, deliveredAt: null };
    case 'DeliveryStatusChanged':
      return {
        ...base,
        status: p.to as Delivery['status'],
        deliveredAt: p.to === 'new' || p.to === 'confirmed' || p.to === 'postponed' ? null : base.deliveredAt,
      };
    case 'DeliveryFinished':
      return { ...base, status: p.status as Delivery['status'], deliveredAt: String(p.deliveredAt) };
    case 'DeliveryCancelled':
      return { ...base, status: 'cancelled' };
    case 'DeliveryClosed':
      return { ...base, closed: true };
    case 'DeliveryReopened':
      return { ...base, closed: false };
    case 'DeliveryErased':
      return { ...base, status: p.finalStatus as Delivery['status'] };
    default:
      return current;
  }
}

function nextMarketplace(current: Marketplace | null, event: IntegrationEvent): Marketplace | null {
  const p = event.payload;
  if (typeof p.campaignId !== 'number' || typeof p.marketOrderId !== 'number') return current;
  const base: Marketplace = current ?? {
    campaignId: p.campaignId,
    marketOrderId: p.marketOrderId,
    status: 'UNKNOWN',
    cancellation: null,
  };
  switch (event.type) {
    case 'CancellationRequested':
      return {
        ...base,
        status: base.status === 'UNKNOWN' ? (p.orderStatusAtRequest as Marketplace['status']) : base.status,
        cancellation: {
          requestId: String(p.requestId),
          status: 'PENDING',
          deadlineAt: String(p.deadlineAt),
          rejectionReason: null,
        },
      };
    case 'CancellationAccepted':
    case 'CancellationRejected':
    case 'CancellationExpired': {
      const status = CANCELLATION_STATUS_BY_EVENT[event.type] as Cancellation['status'];
      const request = base.cancellation ?? {
        requestId: String(p.requestId),
        status,
        deadlineAt: String(p.deadlineAt ?? p.decidedAt),
        rejectionReason: null,
      };
      const rejectionReason =
        event.type === 'CancellationRejected' ? (p.reason as Cancellation['rejectionReason']) : request.rejectionReason;
      return { ...base, cancellation: { ...request, status, rejectionReason } };
    }
    case 'MarketplaceOrderCancelled':
      return { ...base, status: 'CANCELLED' };
    case 'MarketplaceOrderStatusChanged':
      return { ...base, status: p.status as Marketplace['status'] };
    default:
      return base;
  }
}

/**
 * Folds one event into the summary. Total: an event type it does not know still counts (version, last event), so
 * a newer producer never stalls the projection. Pure: time and ids come from the event.
 */
export function evolveSummary(current: OrderSummary | undefined, event: IntegrationEvent): OrderSummary {
  const previous = current?.state ?? emptyState(event);
  const state: OrderStateV1 = {
    ...previous,
    version: previous.version + 1,
    updatedAt: event.occurredAt,
    lastEventId: event.eventId,
    lastEventType: event.type,
    intake: nextIntake(previous.intake, event),
    delivery: nextDelivery(previous.delivery, event),
    marketplace: nextMarketplace(previous.marketplace, event),
  };
  return { state, erased: (current?.erased ?? false) || event.type === 'DeliveryErased' };
}

/** Folds a whole history (audit `--as-of`, targeted rebuilds, tests). */
export function foldSummary(events: readonly IntegrationEvent[], initial?: OrderSummary): OrderSummary | undefined {
  return events.reduce<OrderSummary | undefined>(evolveSummary, initial);
}

export const SUMMARY_STATUSES = [
  'ERASED',
  'CANCELLED',
  'REJECTED',
  'CANCELLATION_PENDING',
  'DELIVERED',
  'IN_DELIVERY',
  'ARCHIVED',
  'ACCEPTED',
  'AWAITING',
  'UNKNOWN',
] as const;
export type SummaryStatus = (typeof SUMMARY_STATUSES)[number];

/** The one combined status an operator counts by; the first rule that matches wins. */
export function summaryStatus(summary: OrderSummary): SummaryStatus {
  const { intake, delivery, marketplace } = summary.state;
  if (summary.erased) return 'ERASED';
  if (intake?.status === 'CANCELLED' || delivery?.status === 'cancelled' || marketplace?.status === 'CANCELLED')
    return 'CANCELLED';
  if (intake?.status === 'DELETED') return 'REJECTED';
  if (marketplace?.cancellation?.status === 'PENDING') return 'CANCELLATION_PENDING';
  if (delivery?.status === 'finished' || delivery?.status === 'partially_finished') return 'DELIVERED';
  if (delivery || intake?.status === 'ON_WAY') return 'IN_DELIVERY';
  if (intake?.status === 'ARCHIVED') return 'ARCHIVED';
  if (intake?.status === 'CREATED' || intake?.status === 'ACCEPTED') return 'ACCEPTED';
  if (intake?.status === 'AWAITING') return 'AWAITING';
  return 'UNKNOWN';
}
