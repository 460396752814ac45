import {
  AnyMessageDefinition,
  DeliveryCancelledV1,
  PayloadOf,
  contractMessage,
  deliveryCancelledV1,
  deliveryClosedV1,
  deliveryCreatedV1,
  deliveryErasedV1,
  deliveryFinishedV1,
  deliveryReopenedV1,
  deliveryStatusChangedV1,
} from '@orders/contracts';
import { deliveryIdOfStream, type DeliveryEvent, type DeliveryStatus, type Initiator } from '@orders/delivery-domain';
import type { RecordedEvent } from '@orders/event-store';
import type { OutboundMessage } from '@orders/messaging';

/**
 * Domain events -> the public contract of `courier.delivery-events.v1` (keyed by order id = delivery id). Internal
 * events stay internal: visits, payments, interval and field edits are not published; terminal transitions get
 * their own message types. No personal data: the created event names the sealed record, nothing more.
 */
export function deliveryEventMessage(recorded: RecordedEvent, topic: string): OutboundMessage | null {
  const event = { type: recorded.type, data: recorded.data } as DeliveryEvent;
  const deliveryId = deliveryIdOfStream(recorded.streamId);
  const tenantId = typeof recorded.metadata.tenantId === 'string' ? recorded.metadata.tenantId : undefined;
  const scoped = (companyId: string) => ({ orderId: deliveryId, tenantId: companyId, deliveryId });
  // Keyed by orderId, which is the delivery id (policy P3 keeps them equal).
  const message = <D extends AnyMessageDefinition>(definition: D, payload: PayloadOf<D>): OutboundMessage => ({
    topic,
    ...contractMessage(definition, payload),
  });
  const company = tenantId ?? '';
  switch (event.type) {
    case 'DeliveryCreated': {
      const d = event.data;
      return message(deliveryCreatedV1, {
        ...scoped(d.company_id),
        number: d.number,
        createdAt: d.at,
        serviceType: d.service_type,
        timeInterval: d.time_interval,
        timeIntervalSecs: d.time_interval_secs,
        timeWindow: d.time_window,
        timeZone: d.time_zone,
        routeId: d.route_id,
        depotId: d.depot_id,
        paymentType: d.payment_type,
        paymentStatus: d.payment_status,
        amountMinor: d.amount_minor,
        personalDataRef: d.pii_ref,
      });
    }
    case 'DeliveryStatusChanged':
      return statusMessage(
        scoped(company),
        event.data.from,
        event.data.to,
        event.data.initiator,
        event.data.at,
        event.data.comment,
        message,
      );
    case 'DeliveryUndone':
      return statusMessage(
        scoped(company),
        'finished',
        event.data.restored_status,
        event.data.initiator,
        event.data.at,
        undefined,
        message,
      );
    case 'DeliveryClosed':
      return message(deliveryClosedV1, { ...scoped(company), closeTime: event.data.close_time });
    case 'DeliveryReopened':
      return message(deliveryReopenedV1, {
        ...scoped(company),
        previousCloseTime: event.data.previous_close_time,
        reopenedAt: event.data.at,
      });
    case 'DeliveryDeleted':
      return message(deliveryErasedV1, {
        ...scoped(company),
        erasedAt: event.data.at,
        finalStatus: event.data.final_status,
      });
    default:
      return null;
  }
}

type Scoped = { orderId: string; tenantId: string; deliveryId: string };

function statusMessage(
  scoped: Scoped,
  from: DeliveryStatus,
  to: DeliveryStatus,
  initiator: Initiator,
  at: string,
  comment: string | undefined,
  message: <P>(definition: AnyMessageDefinition, payload: P) => OutboundMessage,
): OutboundMessage {
  if (to === 'finished' || to === 'partially_finished') {
    return message(deliveryFinishedV1, {
      ...scoped,
      status: to,
      deliveredAt: at,
      initiator,
      automatic: initiator === 'yandex',
    });
  }
  if (to === 'cancelled') {
    const cause: DeliveryCancelledV1['cause'] = comment?.startsWith('marketplace:')
      ? 'MARKETPLACE_CANCELLATION'
      : initiator === 'app'
        ? 'COURIER'
        : 'OPERATOR';
    return message(deliveryCancelledV1, { ...scoped, cancelledAt: at, initiator, cause });
  }
  return message(deliveryStatusChangedV1, { ...scoped, from, to, initiator, changedAt: at });
}
