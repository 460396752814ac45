import { PAYMENT_TYPES, type PaymentType } from '@orders/cancellations-domain';
import { isMarketId, MAX_MARKET_ID } from '@orders/contracts';
import type { ErrorItem } from '@orders/service-kit';

// Market push notifications (D-YM-NOTIF) this service acts on. Market adds fields over time (items, …): unknown
// fields are tolerated, since a 400 makes Market count a failed delivery; known fields are checked strictly.

const ORDER_NOTIFICATION_TYPES = [
  'ORDER_CREATED',
  'ORDER_STATUS_UPDATED',
  'ORDER_CANCELLED',
  'ORDER_CANCELLATION_REQUEST',
] as const;
type OrderNotificationType = (typeof ORDER_NOTIFICATION_TYPES)[number];

/** The event-time field of each type: "consider the later time of the event to be relevant". */
const EVENT_TIME_FIELD: Record<OrderNotificationType, 'createdAt' | 'updatedAt' | 'cancelledAt'> = {
  ORDER_CREATED: 'createdAt',
  ORDER_STATUS_UPDATED: 'updatedAt',
  ORDER_CANCELLED: 'cancelledAt',
  ORDER_CANCELLATION_REQUEST: 'createdAt',
};

export interface OrderNotification {
  readonly notificationType: OrderNotificationType;
  readonly campaignId: string;
  readonly orderId: string;
  /** Market's event time, as sent (offsets kept). */
  readonly eventAt: string;
  readonly status?: string;
  readonly substatus?: string;
  readonly paymentType?: PaymentType;
}

export type ParsedNotification =
  | { readonly kind: 'ping' }
  | { readonly kind: 'ignored'; readonly notificationType: string }
  | { readonly kind: 'order'; readonly notification: OrderNotification };

export class InvalidNotification extends Error {
  readonly code = 'BAD_REQUEST';
  constructor(readonly fields: readonly ErrorItem[]) {
    super(`invalid notification: ${fields.map((f) => `${f.field} ${f.code}`).join(', ')}`);
    this.name = 'InvalidNotification';
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 64;

type Body = Record<string, unknown>;

/** The Market id rule of @orders/contracts: the Kafka decode path (the notification schemas) applies the same. */
function id(body: Body, field: string, problems: ErrorItem[]): string {
  const value = body[field];
  if (!isMarketId(value))
    problems.push({
      code: value === undefined ? 'REQUIRED_FIELD' : 'OUT_OF_RANGE',
      field,
      message: `${field} must be an integer from 1 to ${MAX_MARKET_ID}`,
    });
  return String(value);
}

function text(body: Body, field: string, problems: ErrorItem[], required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) problems.push({ code: 'REQUIRED_FIELD', field, message: `${field} is required` });
    return undefined;
  }
  if (typeof value !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(value) || value.length > MAX_TEXT) {
    problems.push({
      code: 'INVALID_VALUE',
      field,
      message: `${field} must be an upper-case code of at most ${MAX_TEXT} characters`,
    });
    return undefined;
  }
  return value;
}

function time(body: Body, field: string, problems: ErrorItem[]): string {
  const value = body[field];
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push({
      code: value === undefined ? 'REQUIRED_FIELD' : 'INVALID_VALUE',
      field,
      message: `${field} must be an ISO-8601 date-time with an offset`,
    });
  }
  return String(value);
}

/** Checks a notification body; throws InvalidNotification (answered 400, as Market expects) naming each bad field. */
export function parseNotification(body: unknown): ParsedNotification {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidNotification([
      { code: 'BAD_REQUEST', field: 'body', message: 'the notification must be a JSON object' },
    ]);
  }
  const b = body as Body;
  const type = b.notificationType;
  if (typeof type !== 'string' || type === '') {
    throw new InvalidNotification([
      { code: 'REQUIRED_FIELD', field: 'notificationType', message: 'notificationType is required' },
    ]);
  }
  if (type === 'PING') return { kind: 'ping' };
  if (!(ORDER_NOTIFICATION_TYPES as readonly string[]).includes(type))
    return { kind: 'ignored', notificationType: type };
  const notificationType = type as OrderNotificationType;
  const problems: ErrorItem[] = [];
  const campaignId = id(b, 'campaignId', problems);
  const orderId = id(b, 'orderId', problems);
  const eventAt = time(b, EVENT_TIME_FIELD[notificationType], problems);
  const status = text(b, 'status', problems, notificationType === 'ORDER_STATUS_UPDATED');
  const substatus = text(b, 'substatus', problems, false);
  const paymentType = text(b, 'paymentType', problems, false);
  if (paymentType !== undefined && !(PAYMENT_TYPES as readonly string[]).includes(paymentType)) {
    problems.push({
      code: 'INVALID_ENUM',
      field: 'paymentType',
      message: `paymentType must be one of ${PAYMENT_TYPES.join(', ')}`,
    });
  }
  if (problems.length > 0) throw new InvalidNotification(problems);
  return {
    kind: 'order',
    notification: {
      notificationType,
      campaignId,
      orderId,
      eventAt,
      status,
      substatus,
      paymentType: paymentType as PaymentType | undefined,
    },
  };
}

/** Market may send one event several times: the type, the order and the event time identify it (INV-M9). */
export const notificationKey = (n: OrderNotification): string =>
  `${n.notificationType}:${n.campaignId}:${n.orderId}:${Date.parse(n.eventAt)}`;
