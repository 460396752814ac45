import { BadRequestException } from '@nestjs/common';
import type { NotifiedItem, PaymentType } from '@orders/cancellations-domain';
import { isMarketId, marketOpenApi } from '@orders/contracts';

// Market's API notifications (POST notification), read exactly as Market's sendNotification reference describes them:
// the body must satisfy the schema of its notificationType (libs/contracts/market/push-notifications), fields Market
// adds later are tolerated (its schemas allow them). Four types act on an order; the rest are acknowledged.

const ORDER_NOTIFICATION_TYPES = [
  'ORDER_CREATED',
  'ORDER_STATUS_UPDATED',
  'ORDER_CANCELLED',
  'ORDER_CANCELLATION_REQUEST',
] as const;
type OrderNotificationType = (typeof ORDER_NOTIFICATION_TYPES)[number];

/** The event-time field of each type: "consider the later time of the event to be relevant". */
const EVENT_TIME_FIELD: Record<OrderNotificationType, 'createdAt' | 'updatedAt' | 'cancelledAt' | 'requestedAt'> = {
  ORDER_CREATED: 'createdAt',
  ORDER_STATUS_UPDATED: 'updatedAt',
  ORDER_CANCELLED: 'cancelledAt',
  ORDER_CANCELLATION_REQUEST: 'requestedAt',
};

/** A notification about an order, as the inbox stores it whichever channel (HTTP, Kafka) brought it. */
export interface OrderNotification {
  readonly notificationType: OrderNotificationType;
  readonly campaignId: string;
  readonly orderId: string;
  /** Market's event time, as sent (offsets kept). */
  readonly eventAt: string;
  readonly status?: string;
  readonly substatus?: string;
  /** Kafka's relayed messages may carry it; Market's HTTP notifications never do (its order does, see the README). */
  readonly paymentType?: PaymentType;
  /** ORDER_CREATED and ORDER_CANCELLED list the order's items. */
  readonly items?: readonly NotifiedItem[];
}

export type ParsedNotification =
  | { readonly kind: 'ping' }
  /** Valid, and nothing for this service to do: other types, or an order id no Market order has (0, negative). */
  | { readonly kind: 'acknowledged'; readonly notificationType: string; readonly reason: string }
  | { readonly kind: 'order'; readonly notification: OrderNotification };

/** A body the reference refuses: answered 400 WRONG_EVENT_FORMAT, each problem named. */
export class InvalidNotification extends BadRequestException {
  constructor(readonly problems: readonly string[]) {
    super({ errors: problems.map((message) => ({ code: 'WRONG_EVENT_FORMAT', message })) });
    this.name = 'InvalidNotification';
  }
}

type Body = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Checks a notification against Market's reference; throws InvalidNotification when it does not fit. */
export function parseNotification(body: unknown): ParsedNotification {
  const checked = marketOpenApi().notifications.check(body);
  if (!checked.ok) throw new InvalidNotification(checked.problems);
  const b = body as Body;
  const type = checked.notificationType;
  if (type === 'PING') return { kind: 'ping' };
  if (!(ORDER_NOTIFICATION_TYPES as readonly string[]).includes(type)) {
    return { kind: 'acknowledged', notificationType: type, reason: `${type} does not concern buyer cancellations` };
  }
  const notificationType = type as OrderNotificationType;
  // The schema makes both integers and the campaign at least 1; an order id of 0 or below is a placeholder (the
  // reference's examples use 0) that names no order any event could be about.
  if (!isMarketId(b.orderId)) {
    return { kind: 'acknowledged', notificationType, reason: `order id ${String(b.orderId)} names no Market order` };
  }
  const items = Array.isArray(b.items)
    ? (b.items as NotifiedItem[]).map(({ offerId, count }) => ({ offerId, count }))
    : undefined;
  return {
    kind: 'order',
    notification: {
      notificationType,
      campaignId: String(b.campaignId),
      orderId: String(b.orderId),
      eventAt: String(b[EVENT_TIME_FIELD[notificationType]]),
      ...(notificationType === 'ORDER_STATUS_UPDATED' ? { status: text(b.status), substatus: text(b.substatus) } : {}),
      ...(items ? { items } : {}),
    },
  };
}

/** Market may send one event several times: the type, the order and the event time identify it (INV-M9). */
export const notificationKey = (n: OrderNotification): string =>
  `${n.notificationType}:${n.campaignId}:${n.orderId}:${Date.parse(n.eventAt)}`;
