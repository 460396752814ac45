import { validatePayload, findMessage } from '@orders/contracts';
import { fold, type CommandMetadata } from '@orders/decider-kit';
import type { RecordedEvent } from '@orders/event-store';
import { externalOrderDecider, type ExternalOrderCommand, type ExternalOrderEvent } from '@orders/ordering-domain';
import { orderEventMessage } from './order-events.mapper';

const meta: CommandMetadata = { now: '2026-11-23T10:00:00.000Z', actor: 'operator-7' };
const orderId = '0192f5a0-7c1e-8000-8000-000000000001';
const target = { companyId: 'company-1', orderId };

/** Runs commands through the decider, as the app would, and records what they decide. */
function recorded(commands: ExternalOrderCommand[]): RecordedEvent[] {
  const events: ExternalOrderEvent[] = [];
  for (const command of commands) events.push(...externalOrderDecider.decide(command, fold(externalOrderDecider, events)));
  return events.map((event, index) => ({
    eventId: `e-${index}`, streamId: `external_order-${orderId}`, streamType: 'external_order', streamVersion: index + 1, globalPosition: String(index + 1),
    transactionId: '1', type: event.type, schemaVersion: 1, data: event.data, metadata: {}, occurredAt: new Date(meta.now), recordedAt: new Date(meta.now),
  }));
}

const submit: ExternalOrderCommand = {
  type: 'SubmitExternalOrder', metadata: meta,
  data: { ...target, source: 'site', externalId: 'A1', payloadFingerprint: 'fp', piiRef: orderId, requestedTime: null,
    requestedTimeOffset: null,
    items: [{ name: 'Pie', quantity: 2, priceMinor: 17400 }], amountMinor: 34800, currency: 'RUB', serviceType: 'courier', licence: { validUntil: null } },
};

describe('domain events to intake.order-events.v1', () => {
  const lifecycle = recorded([
    submit,
    { type: 'AcceptExternalOrder', data: target, metadata: meta },
    { type: 'ConfirmOrderContents', data: { ...target, items: [{ name: 'Pie', quantity: 1, priceMinor: 17400 }] }, metadata: meta },
    { type: 'DispatchOrder', data: target, metadata: meta },
    { type: 'CancelExternalOrder', data: { ...target, cause: 'MARKETPLACE_CANCELLATION_ACCEPTED', cancellationRef: 'r-1' }, metadata: meta },
  ]);
  const rejected = recorded([submit, { type: 'RejectExternalOrder', data: { ...target, reasonCode: 'OUT_OF_STOCK' }, metadata: meta }]);
  const archived = recorded([
    submit, { type: 'AcceptExternalOrder', data: target, metadata: meta },
    { type: 'ConfirmOrderContents', data: { ...target, items: [{ name: 'Pie', quantity: 2, priceMinor: 17400 }] }, metadata: meta },
    { type: 'ArchiveOrder', data: target, metadata: meta },
  ]);

  it('maps every published event to a payload its contract accepts, keyed by the order id', () => {
    const messages = [...lifecycle, ...rejected, ...archived].map((event) => orderEventMessage(event, 'topic-x')).filter((m) => m !== null);
    expect([...new Set(messages.map((m) => m.eventType))].sort()).toEqual([
      'ExternalOrderAccepted', 'ExternalOrderArchived', 'ExternalOrderCancelled', 'ExternalOrderContentsConfirmed', 'ExternalOrderDispatched',
      'ExternalOrderReceived', 'ExternalOrderRejected',
    ]);
    for (const message of messages) {
      expect(message).toMatchObject({ topic: 'topic-x', key: orderId, schemaVersion: 1 });
      const definition = findMessage('intake.order-events.v1', message.eventType as string, 1);
      if (!definition) throw new Error(`${message.eventType} v1 is not in the catalogue`);
      expect(validatePayload(definition, message.value)).toEqual([]);
    }
  });

  it('keeps the empty POS order internal: the acceptance names it', () => {
    const posOrderCreated = lifecycle.filter((e) => e.type === 'PosOrderCreated');
    expect(posOrderCreated).toHaveLength(1);
    expect(orderEventMessage(posOrderCreated[0], 'topic-x')).toBeNull();
    expect(orderEventMessage(lifecycle[1], 'topic-x')?.value).toMatchObject({ posOrderRef: orderId, tenantId: 'company-1', personalDataRef: orderId });
  });
});
