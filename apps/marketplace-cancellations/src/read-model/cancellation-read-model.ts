import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MARKETPLACE_ORDER_STREAM_TYPE, type MarketplaceOrderEvent } from '@orders/cancellations-domain';
import type { RecordedEvent } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import type { PoolClient } from 'pg';
import { orderRefOfStream } from '../marketplace-orders/order-ref';

export const READ_MODEL_SUBSCRIPTION = 'marketplace-cancellations-read-model';

type Recorded = RecordedEvent & MarketplaceOrderEvent;

/** What a batch changes of one order's row, folded in log order. */
interface OrderDelta {
  campaignId: string;
  orderId: string;
  status: string | null;
  marketStatus: string | null;
  substatus: string | null;
  paymentType: string | null;
  statusUpdatedAt: string | null;
  synced: boolean;
  version: number;
  updatedAt: Date;
  /** The earliest Market event time of the batch; the details Market gave besides the status (JSON as text). */
  knownSince: string | null;
  creationDate: string | null;
  notifiedItems: string | null;
  marketOrder: string | null;
  detailsAsOf: string | null;
}

/** The Market event time an event carries (not when we recorded it): what `known_since` keeps the earliest of. */
function marketTimeOf(event: Recorded): string | undefined {
  switch (event.type) {
    case 'MarketplaceOrderSynced':
      return event.data.updatedAt;
    case 'CancellationRequested':
      return event.data.requestedAt;
    case 'MarketOrderDetailsRecorded':
      return event.data.creationDate ?? event.data.asOf;
    case 'MarketplaceOrderCancelled':
      return event.data.cancelledAt;
    default:
      return undefined;
  }
}

const earlier = (a: string | null, b: string | undefined): string | null =>
  b === undefined || (a !== null && Date.parse(a) <= Date.parse(b)) ? a : b;

interface RequestChanges {
  created: {
    requestId: string;
    campaignId: string;
    orderId: string;
    requestedAt: string;
    deadlineAt: string;
    statusAtRequest: string;
    buyerSubstatus: string | null;
  }[];
  decided: { requestId: string; state: string; decidedBy: string; decidedAt: string; reason: string | null }[];
  closed: { campaignId: string; orderId: string; at: string }[];
}

function fold(events: readonly Recorded[]): { orders: OrderDelta[]; requests: RequestChanges } {
  const orders = new Map<string, OrderDelta>();
  const requests: RequestChanges = { created: [], decided: [], closed: [] };
  for (const event of events) {
    const ref = orderRefOfStream(event.streamId);
    if (!ref) continue;
    const key = `${ref.campaignId}:${ref.orderId}`;
    const order = orders.get(key) ?? {
      ...ref,
      status: null,
      marketStatus: null,
      substatus: null,
      paymentType: null,
      statusUpdatedAt: null,
      synced: false,
      version: 0,
      updatedAt: event.recordedAt,
      knownSince: null,
      creationDate: null,
      notifiedItems: null,
      marketOrder: null,
      detailsAsOf: null,
    };
    orders.set(key, order);
    order.version = event.streamVersion;
    order.updatedAt = event.recordedAt;
    order.knownSince = earlier(order.knownSince, marketTimeOf(event));
    switch (event.type) {
      case 'MarketplaceOrderSynced': {
        const d = event.data;
        Object.assign(order, {
          status: d.status,
          marketStatus: d.marketStatus,
          substatus: d.substatus ?? null,
          statusUpdatedAt: d.updatedAt,
          synced: true,
        });
        order.paymentType = d.paymentType ?? order.paymentType;
        break;
      }
      case 'CancellationRequested': {
        const d = event.data;
        order.status = d.orderStatusAtRequest;
        requests.created.push({
          ...ref,
          requestId: d.requestId,
          requestedAt: d.requestedAt,
          deadlineAt: d.deadlineAt,
          statusAtRequest: d.orderStatusAtRequest,
          buyerSubstatus: d.buyerSubstatus ?? null,
        });
        break;
      }
      case 'CancellationAccepted':
        requests.decided.push({
          requestId: event.data.requestId,
          state: 'ACCEPTED',
          decidedBy: event.data.decidedBy,
          decidedAt: event.data.decidedAt,
          reason: null,
        });
        break;
      case 'CancellationRejected':
        requests.decided.push({
          requestId: event.data.requestId,
          state: 'REJECTED',
          decidedBy: event.data.decidedBy,
          decidedAt: event.data.decidedAt,
          reason: event.data.reason,
        });
        break;
      case 'CancellationAutoAccepted':
        requests.decided.push({
          requestId: event.data.requestId,
          state: 'AUTO_ACCEPTED',
          decidedBy: 'system:deadline',
          decidedAt: event.data.appliedAt,
          reason: null,
        });
        break;
      case 'MarketplaceOrderCancelled':
        order.status = 'CANCELLED';
        requests.closed.push({ ...ref, at: event.data.cancelledAt });
        break;
      case 'MarketOrderDetailsRecorded': {
        // The decider lets only a later view through, so the newest event's fields win; absent ones keep the old.
        const d = event.data;
        order.paymentType = d.paymentType ?? order.paymentType;
        order.creationDate = d.creationDate ?? order.creationDate;
        order.notifiedItems = d.items ? JSON.stringify(d.items) : order.notifiedItems;
        order.marketOrder = d.marketOrder ?? order.marketOrder;
        order.detailsAsOf = d.asOf;
        break;
      }
      default:
        break;
    }
  }
  return { orders: [...orders.values()], requests };
}

const column = <T, K extends keyof T>(rows: readonly T[], key: K): T[K][] => rows.map((row) => row[key]);

/**
 * Projects MarketplaceOrder streams into `marketplace_orders` (one row per order, with its stream version) and
 * `cancellation_requests` (the queue while PENDING, the decision history after). A batch is folded in memory and
 * written with a few set-based statements; versions only move forward, so a replayed batch changes nothing. The
 * subscription commits each batch with its checkpoint, so a replay (resetSubscription) rebuilds both from the log.
 * Exported for the chaos checker, which folds the whole log with it into scratch tables (scripts/chaos).
 */
export async function projectCancellations(events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
  const { orders, requests } = fold(events as Recorded[]);
  if (orders.length === 0) return;
  const orderColumns = [
    column(orders, 'campaignId'),
    column(orders, 'orderId'),
    column(orders, 'status'),
    column(orders, 'marketStatus'),
    column(orders, 'substatus'),
    column(orders, 'paymentType'),
    column(orders, 'statusUpdatedAt'),
    column(orders, 'version'),
    column(orders, 'updatedAt'),
    column(orders, 'synced'),
    column(orders, 'knownSince'),
    column(orders, 'creationDate'),
    column(orders, 'notifiedItems'),
    column(orders, 'marketOrder'),
    column(orders, 'detailsAsOf'),
  ];
  const rows = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::int[], $9::timestamptz[], $10::bool[],
      $11::timestamptz[], $12::timestamptz[], $13::jsonb[], $14::jsonb[], $15::timestamptz[])
    AS x(campaign_id, order_id, status, market_status, substatus, payment_type, status_updated_at, version, updated_at, synced,
      known_since, creation_date, notified_items, market_order, details_as_of)`;
  await tx.query(
    `INSERT INTO marketplace_orders (campaign_id, order_id, status, market_status, substatus, payment_type, status_updated_at, version, updated_at,
       known_since, creation_date, notified_items, market_order, details_as_of)
     SELECT campaign_id, order_id, coalesce(status, 'UNKNOWN'), market_status, substatus, payment_type, status_updated_at, version, updated_at,
       known_since, creation_date, notified_items, market_order, details_as_of FROM ${rows}
     ON CONFLICT (campaign_id, order_id) DO NOTHING`,
    orderColumns,
  );
  await tx.query(
    `UPDATE marketplace_orders o SET status = coalesce(x.status, o.status),
       market_status = CASE WHEN x.synced THEN x.market_status ELSE o.market_status END,
       substatus = CASE WHEN x.synced THEN x.substatus ELSE o.substatus END,
       payment_type = coalesce(x.payment_type, o.payment_type), status_updated_at = coalesce(x.status_updated_at, o.status_updated_at),
       version = x.version, updated_at = x.updated_at, known_since = least(o.known_since, x.known_since),
       creation_date = coalesce(x.creation_date, o.creation_date), notified_items = coalesce(x.notified_items, o.notified_items),
       market_order = coalesce(x.market_order, o.market_order), details_as_of = coalesce(x.details_as_of, o.details_as_of)
     FROM ${rows} WHERE o.campaign_id = x.campaign_id AND o.order_id = x.order_id AND o.version < x.version`,
    orderColumns,
  );
  // Requests: opened, then decided, then closed with the order; a batch holds them in that causal order.
  const { created, decided, closed } = requests;
  if (created.length > 0) {
    await tx.query(
      `INSERT INTO cancellation_requests (request_id, campaign_id, order_id, requested_at, deadline_at, order_status_at_request, buyer_substatus, state)
       SELECT *, 'PENDING' FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[])
       ON CONFLICT (request_id) DO NOTHING`,
      [
        column(created, 'requestId'),
        column(created, 'campaignId'),
        column(created, 'orderId'),
        column(created, 'requestedAt'),
        column(created, 'deadlineAt'),
        column(created, 'statusAtRequest'),
        column(created, 'buyerSubstatus'),
      ],
    );
  }
  if (decided.length > 0) {
    await tx.query(
      `UPDATE cancellation_requests r SET state = x.state, decided_by = x.decided_by, decided_at = x.decided_at, reason = x.reason
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS x(request_id, state, decided_by, decided_at, reason)
       WHERE r.request_id = x.request_id AND r.state = 'PENDING'`,
      [
        column(decided, 'requestId'),
        column(decided, 'state'),
        column(decided, 'decidedBy'),
        column(decided, 'decidedAt'),
        column(decided, 'reason'),
      ],
    );
  }
  if (closed.length > 0) {
    // Market cancelled the order with a request still open: the request is closed with it.
    await tx.query(
      `UPDATE cancellation_requests r SET state = 'CLOSED', decided_by = 'market', decided_at = x.at
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(campaign_id, order_id, at)
       WHERE r.campaign_id = x.campaign_id AND r.order_id = x.order_id AND r.state = 'PENDING'`,
      [column(closed, 'campaignId'), column(closed, 'orderId'), column(closed, 'at')],
    );
  }
}

@Injectable()
export class CancellationReadModel implements OnModuleInit {
  constructor(private readonly subscriptions: EventStoreSubscriptions) {}

  onModuleInit(): void {
    this.subscriptions.register(READ_MODEL_SUBSCRIPTION, projectCancellations, {
      streamTypes: [MARKETPLACE_ORDER_STREAM_TYPE],
      batchSize: 500,
    });
  }
}
