import { DeciderSpecification, type CommandMetadata } from '@orders/decider-kit';
import type { ExternalOrderCommand, SubmitExternalOrder } from './external-order.commands';
import { externalOrderDecider } from './external-order.decider';
import type { ExternalOrderEvent, OrderItem } from './external-order.events';

const spec = DeciderSpecification.for(externalOrderDecider);
const now = '2026-01-13T18:00:00.000Z';
const later = '2026-01-13T18:05:00.000Z';
const meta: CommandMetadata = { now, actor: 'operator-1' };
const orderId = '0190f5d2-0000-7000-8000-000000000001';
const companyId = 'company-a';
const pie: OrderItem = { sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 };
const bread: OrderItem = { name: 'Bread', quantity: 1, priceMinor: 3800 };

const submitData: SubmitExternalOrder['data'] = {
  companyId,
  orderId,
  source: 'site',
  externalId: 'A1',
  payloadFingerprint: 'fp-1',
  piiRef: orderId,
  requestedTime: '2026-01-13T09:30:00.000Z',
  requestedTimeOffset: '+03:00',
  items: [pie, bread],
  amountMinor: 38600,
  currency: 'RUB',
  serviceType: 'courier',
  licence: { validUntil: null },
};
const submit = (data: Partial<SubmitExternalOrder['data']> = {}): ExternalOrderCommand => ({
  type: 'SubmitExternalOrder',
  data: { ...submitData, ...data },
  metadata: meta,
});
const target = { companyId, orderId };
const accept = (company = companyId): ExternalOrderCommand => ({
  type: 'AcceptExternalOrder',
  data: { companyId: company, orderId },
  metadata: meta,
});
const reject: ExternalOrderCommand = {
  type: 'RejectExternalOrder',
  data: { ...target, reasonCode: 'GUEST_REFUSED' },
  metadata: meta,
};
const confirm = (items: OrderItem[]): ExternalOrderCommand => ({
  type: 'ConfirmOrderContents',
  data: { ...target, items },
  metadata: { ...meta, now: later },
});
const dispatch: ExternalOrderCommand = { type: 'DispatchOrder', data: target, metadata: meta };
const archive: ExternalOrderCommand = { type: 'ArchiveOrder', data: target, metadata: meta };
const cancel: ExternalOrderCommand = {
  type: 'CancelExternalOrder',
  data: { ...target, cause: 'MARKETPLACE_CANCELLATION_ACCEPTED', cancellationRef: 'req-9' },
  metadata: { now, actor: 'marketplace-policy' },
};

const { licence: _licence, ...received } = submitData;
const receivedEvent: ExternalOrderEvent = { type: 'ExternalOrderReceived', data: { ...received, receivedAt: now } };
const acceptedEvents: ExternalOrderEvent[] = [
  {
    type: 'ExternalOrderAccepted',
    data: {
      orderId,
      companyId,
      acceptedBy: 'operator-1',
      acceptedAt: now,
      posOrderRef: orderId,
      serviceType: 'courier',
      requestedTime: '2026-01-13T09:30:00.000Z',
      amountMinor: 38600,
      currency: 'RUB',
      piiRef: orderId,
    },
  },
  { type: 'PosOrderCreated', data: { orderId, companyId, posOrderRef: orderId, table: 'Dlv.A1', items: [] } },
];
const confirmed = (items: OrderItem[], changed: boolean): ExternalOrderEvent => ({
  type: 'OrderContentsConfirmed',
  data: {
    orderId,
    companyId,
    items,
    amountMinor: items.reduce((s, i) => s + i.quantity * i.priceMinor, 0),
    currency: 'RUB',
    changed,
    confirmedBy: 'operator-1',
    confirmedAt: later,
  },
});
const rejectedEvent: ExternalOrderEvent = {
  type: 'ExternalOrderRejected',
  data: { orderId, companyId, reasonCode: 'GUEST_REFUSED', rejectedBy: 'operator-1', rejectedAt: now },
};
const dispatchedEvent: ExternalOrderEvent = {
  type: 'ExternalOrderDispatched',
  data: { orderId, companyId, dispatchedBy: 'operator-1', dispatchedAt: now },
};
const archivedEvent: ExternalOrderEvent = {
  type: 'ExternalOrderArchived',
  data: { orderId, companyId, archivedBy: 'operator-1', archivedAt: now },
};
const cancelledEvent: ExternalOrderEvent = {
  type: 'ExternalOrderCancelled',
  data: { orderId, companyId, cause: 'MARKETPLACE_CANCELLATION_ACCEPTED', cancellationRef: 'req-9', cancelledAt: now },
};

const awaiting = [receivedEvent];
const created = [receivedEvent, ...acceptedEvents];
const accepted = [...created, confirmed([pie, bread], false)];
const onWay = [...accepted, dispatchedEvent];
const archived = [...accepted, archivedEvent];
const deleted = [receivedEvent, rejectedEvent];
const cancelled = [receivedEvent, cancelledEvent];

describe('ExternalOrder: submit', () => {
  it('receives a new order as AWAITING, with a reference to its personal data and none of it', () =>
    spec.given([]).when(submit()).then([receivedEvent]));
  it('records the requested time and the offset it was given with apart (none for as soon as possible)', () => {
    const received = (data: Partial<SubmitExternalOrder['data']>) =>
      ({ ...receivedEvent, data: { ...receivedEvent.data, ...data } }) as ExternalOrderEvent;
    spec
      .given([])
      .when(submit({ requestedTimeOffset: '+06:00' }))
      .then([received({ requestedTimeOffset: '+06:00' })]);
    spec
      .given([])
      .when(submit({ requestedTime: null, requestedTimeOffset: null }))
      .then([received({ requestedTime: null, requestedTimeOffset: null })]);
  });

  it('answers the same payload again with no events (idempotent by source and external id)', () =>
    spec.given(awaiting).when(submit()).thenNothing());

  it('stays idempotent whatever happened to the order since', () => {
    for (const history of [created, accepted, deleted, archived, cancelled])
      spec.given(history).when(submit()).thenNothing();
  });

  it('refuses another payload under the same external id with DUPLICATE_EXTERNAL_ID', () =>
    spec
      .given(awaiting)
      .when(submit({ payloadFingerprint: 'fp-2' }))
      .thenThrows('DUPLICATE_EXTERNAL_ID', { field: 'external_id' }));

  it('refuses a company without the "Internet orders" licence with LICENSE_REQUIRED', () =>
    spec
      .given([])
      .when(submit({ licence: undefined }))
      .thenThrows('LICENSE_REQUIRED'));

  it('refuses a company whose licence has expired, and accepts one still valid', () => {
    spec
      .given([])
      .when(submit({ licence: { validUntil: '2026-01-13T18:00:00Z' } }))
      .thenThrows('LICENSE_REQUIRED');
    spec
      .given([])
      .when(submit({ licence: { validUntil: '2026-11-17T00:00:00Z' } }))
      .then([receivedEvent]);
  });

  it('refuses an order without items or with impossible quantities, prices or amountMinor', () => {
    spec
      .given([])
      .when(submit({ items: [] }))
      .thenThrows('INVALID_ORDER_CONTENTS', { field: 'items' });
    spec
      .given([])
      .when(submit({ items: [{ ...pie, quantity: 0 }] }))
      .thenThrows('INVALID_ORDER_CONTENTS', { field: 'items.0.quantity' });
    spec
      .given([])
      .when(submit({ items: [bread, { ...pie, priceMinor: 1.5 }] }))
      .thenThrows('INVALID_ORDER_CONTENTS', { field: 'items.1.priceMinor' });
    spec
      .given([])
      .when(submit({ amountMinor: -1 }))
      .thenThrows('INVALID_ORDER_CONTENTS', { field: 'amountMinor' });
  });
});

describe('ExternalOrder: accept', () => {
  it('creates the POS order EMPTY (Carbis: contents come with the confirmation)', () =>
    spec.given(awaiting).when(accept()).then(acceptedEvents));

  it('is a no-op when the order was accepted already', () => {
    for (const history of [created, accepted, onWay, archived]) spec.given(history).when(accept()).thenNothing();
  });

  it('refuses a rejected or cancelled order with ORDER_IN_TERMINAL_STATE', () => {
    spec.given(deleted).when(accept()).thenThrows('ORDER_IN_TERMINAL_STATE');
    spec.given(cancelled).when(accept()).thenThrows('ORDER_IN_TERMINAL_STATE');
  });

  it("answers ORDER_NOT_FOUND for an unknown order and for another company's order", () => {
    spec.given([]).when(accept()).thenThrows('ORDER_NOT_FOUND');
    spec.given(awaiting).when(accept('company-b')).thenThrows('ORDER_NOT_FOUND');
  });
});

describe('ExternalOrder: reject', () => {
  it('moves an AWAITING order to DELETED with the reason code', () =>
    spec.given(awaiting).when(reject).then([rejectedEvent]));

  it('is a no-op when the order was rejected already', () => spec.given(deleted).when(reject).thenNothing());

  it('refuses an order that was accepted with ORDER_ALREADY_DECIDED', () => {
    for (const history of [created, accepted, onWay, archived])
      spec.given(history).when(reject).thenThrows('ORDER_ALREADY_DECIDED');
  });

  it('refuses a cancelled order and an unknown one', () => {
    spec.given(cancelled).when(reject).thenThrows('ORDER_IN_TERMINAL_STATE');
    spec.given([]).when(reject).thenThrows('ORDER_NOT_FOUND');
  });
});

describe('ExternalOrder: confirm contents', () => {
  it('confirms the received items unchanged', () =>
    spec
      .given(created)
      .when(confirm([bread, pie]))
      .then([confirmed([bread, pie], false)]));

  it('records that the items differ from those received', () =>
    spec
      .given(created)
      .when(confirm([{ ...pie, quantity: 3 }]))
      .then([confirmed([{ ...pie, quantity: 3 }], true)]));

  it('lets the operator edit the contents later, and a repeat of the same contents is a no-op', () => {
    spec
      .given(accepted)
      .when(confirm([pie]))
      .then([confirmed([pie], true)]);
    spec
      .given([...accepted, confirmed([pie], true)])
      .when(confirm([pie]))
      .thenNothing();
    spec
      .given([...accepted, confirmed([pie], true)])
      .when(confirm([pie, bread]))
      .then([confirmed([pie, bread], false)]);
  });

  it('totals goods sold by weight in whole minor units', () => {
    const cheese: OrderItem = { name: 'Cheese', quantity: 0.35, priceMinor: 99_905 };
    spec
      .given(created)
      .when(confirm([cheese]))
      .then([
        {
          ...confirmed([cheese], true),
          data: { ...confirmed([cheese], true).data, amountMinor: 34_967 },
        } as ExternalOrderEvent,
      ]);
  });

  it('refuses confirmation before acceptance and after dispatch with INVALID_STATE_TRANSITION', () => {
    spec
      .given(awaiting)
      .when(confirm([pie]))
      .thenThrows('INVALID_STATE_TRANSITION');
    spec
      .given(onWay)
      .when(confirm([pie]))
      .thenThrows('INVALID_STATE_TRANSITION');
  });

  it('refuses terminal orders, unknown ones and empty contents', () => {
    for (const history of [deleted, archived, cancelled])
      spec
        .given(history)
        .when(confirm([pie]))
        .thenThrows('ORDER_IN_TERMINAL_STATE');
    spec
      .given([])
      .when(confirm([pie]))
      .thenThrows('ORDER_NOT_FOUND');
    spec.given(created).when(confirm([])).thenThrows('INVALID_ORDER_CONTENTS');
  });
});

describe('ExternalOrder: dispatch', () => {
  it('sends an order with confirmed contents on its way', () =>
    spec.given(accepted).when(dispatch).then([dispatchedEvent]));

  it('is a no-op when the order is on its way already', () => spec.given(onWay).when(dispatch).thenNothing());

  it('refuses an order whose contents are not confirmed with CONTENTS_NOT_CONFIRMED', () =>
    spec.given(created).when(dispatch).thenThrows('CONTENTS_NOT_CONFIRMED'));

  it('refuses an AWAITING order, terminal ones and unknown ones', () => {
    spec.given(awaiting).when(dispatch).thenThrows('INVALID_STATE_TRANSITION');
    for (const history of [deleted, archived, cancelled])
      spec.given(history).when(dispatch).thenThrows('ORDER_IN_TERMINAL_STATE');
    spec.given([]).when(dispatch).thenThrows('ORDER_NOT_FOUND');
  });
});

describe('ExternalOrder: archive', () => {
  it('archives an accepted order and one on its way', () => {
    spec.given(accepted).when(archive).then([archivedEvent]);
    spec.given(onWay).when(archive).then([archivedEvent]);
  });

  it('is a no-op when archived already', () => spec.given(archived).when(archive).thenNothing());

  it('refuses orders not yet accepted with INVALID_STATE_TRANSITION, and rejected or cancelled ones', () => {
    spec.given(awaiting).when(archive).thenThrows('INVALID_STATE_TRANSITION');
    spec.given(created).when(archive).thenThrows('INVALID_STATE_TRANSITION');
    spec.given(deleted).when(archive).thenThrows('ORDER_IN_TERMINAL_STATE');
    spec.given(cancelled).when(archive).thenThrows('ORDER_IN_TERMINAL_STATE');
    spec.given([]).when(archive).thenThrows('ORDER_NOT_FOUND');
  });
});

describe('ExternalOrder: cancel (marketplace policy)', () => {
  it('cancels an order at any point before it is archived', () => {
    for (const history of [awaiting, created, accepted, onWay]) spec.given(history).when(cancel).then([cancelledEvent]);
  });

  it('is a no-op for an order cancelled or rejected already', () => {
    spec.given(cancelled).when(cancel).thenNothing();
    spec.given(deleted).when(cancel).thenNothing();
  });

  it('refuses an archived order', () => spec.given(archived).when(cancel).thenThrows('ORDER_IN_TERMINAL_STATE'));
});

describe('ExternalOrder: a cancellation that arrives before its order (the two topics race)', () => {
  const early: ExternalOrderEvent = {
    type: 'EarlyCancellationRecorded',
    data: { orderId, companyId, cause: 'MARKETPLACE_CANCELLATION_ACCEPTED', cancellationRef: 'req-9', recordedAt: now },
  };

  it("is recorded once for the order's arrival", () => {
    spec.given([]).when(cancel).then([early]);
    spec.given([early]).when(cancel).thenNothing();
  });

  it('cancels the order the moment it arrives', () =>
    spec.given([early]).when(submit()).then([receivedEvent, cancelledEvent]));

  it('does not touch an order of another company under the same id, and leaves the stream unknown to operators', () => {
    spec
      .given([early])
      .when(submit({ companyId: 'company-b' }))
      .then([{ ...receivedEvent, data: { ...receivedEvent.data, companyId: 'company-b' } }]);
    spec.given([early]).when(accept()).thenThrows('ORDER_NOT_FOUND');
  });
});

describe('ExternalOrder: evolve', () => {
  it('walks the Carbis statuses', () => {
    const statusAfter = (events: ExternalOrderEvent[]) =>
      events.reduce(externalOrderDecider.evolve, externalOrderDecider.initialState).status;
    expect([[], awaiting, created, accepted, onWay, archived, deleted, cancelled].map(statusAfter)).toEqual([
      'NONE',
      'AWAITING',
      'CREATED',
      'ACCEPTED',
      'ON_WAY',
      'ARCHIVED',
      'DELETED',
      'CANCELLED',
    ]);
  });

  it('is total: events out of place leave an empty state alone', () => {
    expect(
      [dispatchedEvent, confirmed([pie], true), cancelledEvent].reduce(
        externalOrderDecider.evolve,
        externalOrderDecider.initialState,
      ),
    ).toEqual({ status: 'NONE' });
  });
});
