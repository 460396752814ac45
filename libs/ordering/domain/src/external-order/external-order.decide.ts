import type {
  AcceptExternalOrder,
  ArchiveOrder,
  CancelExternalOrder,
  ConfirmOrderContents,
  DispatchOrder,
  ExternalOrderCommand,
  RejectExternalOrder,
  SubmitExternalOrder,
} from './external-order.commands';
import type { ExternalOrderEvent } from './external-order.events';
import {
  ContentsNotConfirmed,
  DuplicateExternalId,
  ExternalOrderNotFound,
  InvalidOrderContents,
  InvalidStateTransition,
  LicenseRequired,
  OrderAlreadyDecided,
  OrderInTerminalState,
} from './external-order.errors';
import {
  TERMINAL_STATUSES,
  type ExistingOrder,
  type ExternalOrderState,
  type OrderStatus,
} from './external-order.state';
import { checkItems, itemsTotal, sameItems } from './order-items';

// Repeats of a request already satisfied yield no events (style.md: decisions are idempotent); a rule broken
// throws a DomainError with a stable code.

const actor = (command: ExternalOrderCommand): string => command.metadata.actor ?? 'system';

/** The order as the caller's company sees it; another company's order does not exist for it. */
function existing(
  state: ExternalOrderState,
  command: Exclude<ExternalOrderCommand, SubmitExternalOrder>,
): ExistingOrder {
  if (state.status === 'NONE' || state.companyId !== command.data.companyId)
    throw new ExternalOrderNotFound(command.data.orderId);
  return state;
}

function refuseTerminal(status: OrderStatus): void {
  if (TERMINAL_STATUSES.includes(status)) throw new OrderInTerminalState(status);
}

function submit(command: SubmitExternalOrder, state: ExternalOrderState): ExternalOrderEvent[] {
  const { data, metadata } = command;
  if (state.status !== 'NONE') {
    // The stream id comes from (company, source, external id): this is the same order arriving again.
    if (state.payloadFingerprint === data.payloadFingerprint) return [];
    throw new DuplicateExternalId(data.source, data.externalId);
  }
  if (!data.licence) throw new LicenseRequired(data.companyId);
  if (data.licence.validUntil !== null && Date.parse(data.licence.validUntil) <= Date.parse(metadata.now)) {
    throw new LicenseRequired(data.companyId, data.licence.validUntil);
  }
  checkItems(data.items);
  if (!Number.isInteger(data.amountMinor) || data.amountMinor < 0)
    throw new InvalidOrderContents('amountMinor must be a non-negative integer in minor units', 'amountMinor');
  const received: ExternalOrderEvent = {
    type: 'ExternalOrderReceived',
    data: {
      orderId: data.orderId,
      companyId: data.companyId,
      source: data.source,
      externalId: data.externalId,
      payloadFingerprint: data.payloadFingerprint,
      piiRef: data.piiRef,
      receivedAt: metadata.now,
      requestedTime: data.requestedTime,
      requestedTimeOffset: data.requestedTimeOffset,
      items: data.items,
      amountMinor: data.amountMinor,
      currency: data.currency,
      serviceType: data.serviceType,
    },
  };
  const early = state.earlyCancellation;
  if (early === undefined || early.companyId !== data.companyId) return [received];
  // The marketplace cancelled it before it got here: it is recorded, so the shop sees it, and ends at once.
  const { orderId, companyId } = data;
  return [
    received,
    {
      type: 'ExternalOrderCancelled',
      data: {
        orderId,
        companyId,
        cause: early.cause,
        cancellationRef: early.cancellationRef,
        cancelledAt: metadata.now,
      },
    },
  ];
}

function accept(command: AcceptExternalOrder, state: ExternalOrderState): ExternalOrderEvent[] {
  const order = existing(state, command);
  if (order.status === 'DELETED' || order.status === 'CANCELLED') throw new OrderInTerminalState(order.status);
  if (order.status !== 'AWAITING') return []; // accepted before: the POS order exists
  const { orderId, companyId } = order;
  const { serviceType, requestedTime, amountMinor, currency, piiRef } = order;
  // The POS order is named after the order: a repeated acceptance could never create a second one.
  const posOrderRef = orderId;
  return [
    {
      type: 'ExternalOrderAccepted',
      data: {
        orderId,
        companyId,
        acceptedBy: actor(command),
        acceptedAt: command.metadata.now,
        posOrderRef,
        serviceType,
        requestedTime,
        amountMinor,
        currency,
        piiRef,
      },
    },
    // Carbis: the POS table is created empty; the guest's dishes arrive only when the operator confirms them.
    { type: 'PosOrderCreated', data: { orderId, companyId, posOrderRef, table: `Dlv.${order.externalId}`, items: [] } },
  ];
}

function reject(command: RejectExternalOrder, state: ExternalOrderState): ExternalOrderEvent[] {
  const order = existing(state, command);
  if (order.status === 'DELETED') return [];
  if (order.status === 'CANCELLED') throw new OrderInTerminalState(order.status);
  if (order.status !== 'AWAITING') throw new OrderAlreadyDecided(order.status);
  const { orderId, companyId } = order;
  return [
    {
      type: 'ExternalOrderRejected',
      data: {
        orderId,
        companyId,
        reasonCode: command.data.reasonCode,
        rejectedBy: actor(command),
        rejectedAt: command.metadata.now,
      },
    },
  ];
}

function confirmContents(command: ConfirmOrderContents, state: ExternalOrderState): ExternalOrderEvent[] {
  const order = existing(state, command);
  refuseTerminal(order.status);
  // Editable while the order is in the kitchen (Carbis: "can be edited later"), not once it left with the courier.
  if (order.status !== 'CREATED' && order.status !== 'ACCEPTED')
    throw new InvalidStateTransition('confirm the contents of', order.status);
  const { items } = command.data;
  const { orderId, companyId, currency } = order;
  checkItems(items);
  if (order.confirmedItems && sameItems(order.confirmedItems, items)) return [];
  return [
    {
      type: 'OrderContentsConfirmed',
      data: {
        orderId,
        companyId,
        items,
        amountMinor: itemsTotal(items),
        currency,
        changed: !sameItems(order.receivedItems, items),
        confirmedBy: actor(command),
        confirmedAt: command.metadata.now,
      },
    },
  ];
}

function dispatch(command: DispatchOrder, state: ExternalOrderState): ExternalOrderEvent[] {
  const order = existing(state, command);
  refuseTerminal(order.status);
  if (order.status === 'ON_WAY') return [];
  if (order.status === 'CREATED') throw new ContentsNotConfirmed();
  if (order.status !== 'ACCEPTED') throw new InvalidStateTransition('dispatch', order.status);
  const { orderId, companyId } = order;
  return [
    {
      type: 'ExternalOrderDispatched',
      data: { orderId, companyId, dispatchedBy: actor(command), dispatchedAt: command.metadata.now },
    },
  ];
}

function archive(command: ArchiveOrder, state: ExternalOrderState): ExternalOrderEvent[] {
  const order = existing(state, command);
  if (order.status === 'ARCHIVED') return [];
  refuseTerminal(order.status);
  if (order.status !== 'ACCEPTED' && order.status !== 'ON_WAY')
    throw new InvalidStateTransition('archive', order.status);
  const { orderId, companyId } = order;
  return [
    {
      type: 'ExternalOrderArchived',
      data: { orderId, companyId, archivedBy: actor(command), archivedAt: command.metadata.now },
    },
  ];
}

function cancel(command: CancelExternalOrder, state: ExternalOrderState): ExternalOrderEvent[] {
  const { cause, cancellationRef } = command.data;
  if (state.status === 'NONE') {
    // Not here yet: remembered for its arrival (simulator finding F2). A second early cancellation changes nothing.
    if (state.earlyCancellation !== undefined) return [];
    const { orderId, companyId } = command.data;
    return [
      {
        type: 'EarlyCancellationRecorded',
        data: { orderId, companyId, cause, cancellationRef, recordedAt: command.metadata.now },
      },
    ];
  }
  const order = existing(state, command);
  // Already cancelled, or already refused by the operator: the order is not going anywhere either way.
  if (order.status === 'CANCELLED' || order.status === 'DELETED') return [];
  if (order.status === 'ARCHIVED') throw new OrderInTerminalState(order.status);
  const { orderId, companyId } = order;
  return [
    {
      type: 'ExternalOrderCancelled',
      data: { orderId, companyId, cause, cancellationRef, cancelledAt: command.metadata.now },
    },
  ];
}

export function decide(command: ExternalOrderCommand, state: ExternalOrderState): ExternalOrderEvent[] {
  switch (command.type) {
    case 'SubmitExternalOrder':
      return submit(command, state);
    case 'AcceptExternalOrder':
      return accept(command, state);
    case 'RejectExternalOrder':
      return reject(command, state);
    case 'ConfirmOrderContents':
      return confirmContents(command, state);
    case 'DispatchOrder':
      return dispatch(command, state);
    case 'ArchiveOrder':
      return archive(command, state);
    case 'CancelExternalOrder':
      return cancel(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
