import {
  contractMessage,
  externalOrderAcceptedV1,
  externalOrderArchivedV1,
  externalOrderCancelledV1,
  externalOrderContentsConfirmedV1,
  externalOrderDispatchedV1,
  externalOrderReceivedV1,
  externalOrderRejectedV1,
  type AnyMessageDefinition,
  type PayloadOf,
} from '@orders/contracts';
import type { RecordedEvent } from '@orders/event-store';
import type { OutboundMessage } from '@orders/messaging';
import type { ExternalOrderEvent } from '@orders/ordering-domain';

/**
 * Domain events are internal; this turns each into its public contract on `intake.order-events.v1`, or into nothing
 * (PosOrderCreated: the acceptance already names the POS order). A payload that breaks its contract throws, which
 * holds the relay rather than publishing something consumers would dead-letter.
 */
export function orderEventMessage(event: RecordedEvent, topic: string): OutboundMessage | null {
  const domain = { type: event.type, data: event.data } as ExternalOrderEvent;
  const message = <D extends AnyMessageDefinition>(definition: D, payload: PayloadOf<D>): OutboundMessage => ({
    topic,
    ...contractMessage(definition, payload),
  });
  switch (domain.type) {
    case 'ExternalOrderReceived': {
      const d = domain.data;
      return message(externalOrderReceivedV1, {
        orderId: d.orderId,
        tenantId: d.companyId,
        source: d.source,
        externalId: d.externalId,
        receivedAt: d.receivedAt,
        requestedTime: d.requestedTime,
        serviceType: d.serviceType,
        items: d.items,
        amountMinor: d.amountMinor,
        currency: d.currency,
        personalDataRef: d.piiRef,
      });
    }
    case 'ExternalOrderAccepted': {
      const d = domain.data;
      return message(externalOrderAcceptedV1, {
        orderId: d.orderId,
        tenantId: d.companyId,
        acceptedBy: d.acceptedBy,
        acceptedAt: d.acceptedAt,
        posOrderRef: d.posOrderRef,
        serviceType: d.serviceType,
        requestedTime: d.requestedTime,
        amountMinor: d.amountMinor,
        currency: d.currency,
        personalDataRef: d.piiRef,
      });
    }
    case 'PosOrderCreated':
      return null;
    case 'ExternalOrderRejected': {
      const d = domain.data;
      return message(externalOrderRejectedV1, {
        orderId: d.orderId,
        tenantId: d.companyId,
        rejectedBy: d.rejectedBy,
        rejectedAt: d.rejectedAt,
        reasonCode: d.reasonCode,
      });
    }
    case 'OrderContentsConfirmed': {
      const d = domain.data;
      return message(externalOrderContentsConfirmedV1, {
        orderId: d.orderId,
        tenantId: d.companyId,
        confirmedBy: d.confirmedBy,
        confirmedAt: d.confirmedAt,
        items: d.items,
        amountMinor: d.amountMinor,
        currency: d.currency,
        changed: d.changed,
      });
    }
    case 'ExternalOrderDispatched': {
      const d = domain.data;
      // courier-tracking keys its delivery by the same order id (architecture.md, cross-service policies).
      return message(externalOrderDispatchedV1, {
        orderId: d.orderId,
        tenantId: d.companyId,
        dispatchedAt: d.dispatchedAt,
        deliveryId: d.orderId,
      });
    }
    case 'ExternalOrderArchived': {
      const d = domain.data;
      return message(externalOrderArchivedV1, { orderId: d.orderId, tenantId: d.companyId, archivedAt: d.archivedAt });
    }
    case 'ExternalOrderCancelled': {
      const d = domain.data;
      return message(externalOrderCancelledV1, {
        orderId: d.orderId,
        tenantId: d.companyId,
        cancelledAt: d.cancelledAt,
        cause: 'MARKETPLACE_CANCELLATION',
      });
    }
    default:
      return null; // a type this version does not publish
  }
}
