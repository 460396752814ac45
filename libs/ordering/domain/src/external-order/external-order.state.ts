import type { CancellationCause, ExternalOrderEvent, OrderItem, ServiceType } from './external-order.events';

/** A marketplace cancellation that arrived before its order (see EarlyCancellationRecorded). */
export interface EarlyCancellation {
  readonly companyId: string;
  readonly cause: CancellationCause;
  readonly cancellationRef: string;
}

/**
 * Carbis statuses: AWAITING «Ожидает», CREATED «Создан» (POS order made, still empty), ACCEPTED «Принят» (contents
 * confirmed), ON_WAY «В пути», ARCHIVED «Архив», DELETED «Удален»; CANCELLED when the marketplace cancelled it.
 */
export const ORDER_STATUSES = ['AWAITING', 'CREATED', 'ACCEPTED', 'ON_WAY', 'ARCHIVED', 'DELETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Nothing happens to an order in these any more. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['ARCHIVED', 'DELETED', 'CANCELLED'];

/** Only what decisions need; the board and the detail view are read models. */
export type ExternalOrderState =
  | { readonly status: 'NONE'; readonly earlyCancellation?: EarlyCancellation }
  | {
      readonly status: OrderStatus;
      readonly orderId: string;
      readonly companyId: string;
      readonly externalId: string;
      readonly payloadFingerprint: string;
      readonly receivedItems: readonly OrderItem[];
      /** Facts the acceptance hands on to the delivery. */
      readonly serviceType: ServiceType;
      readonly requestedTime: string | null;
      readonly amountMinor: number;
      readonly currency: string;
      readonly piiRef: string;
      /** The last confirmed contents; undefined until the first confirmation. */
      readonly confirmedItems?: readonly OrderItem[];
    };

export type ExistingOrder = Exclude<ExternalOrderState, { status: 'NONE' }>;

export const initialState: ExternalOrderState = { status: 'NONE' };

const withStatus = (state: ExternalOrderState, status: OrderStatus): ExternalOrderState =>
  state.status === 'NONE' ? state : { ...state, status };

/** Total: an event that does not fit the state leaves it as it is (the log is the truth, not this fold). */
export function evolve(state: ExternalOrderState, event: ExternalOrderEvent): ExternalOrderState {
  switch (event.type) {
    case 'ExternalOrderReceived': {
      const { orderId, companyId, externalId, payloadFingerprint, items, serviceType, requestedTime, amountMinor, currency, piiRef } = event.data;
      return {
        status: 'AWAITING', orderId, companyId, externalId, payloadFingerprint, receivedItems: items, serviceType, requestedTime, amountMinor, currency, piiRef,
      };
    }
    case 'ExternalOrderAccepted':
      return state;
    case 'PosOrderCreated':
      return withStatus(state, 'CREATED');
    case 'ExternalOrderRejected':
      return withStatus(state, 'DELETED');
    case 'OrderContentsConfirmed':
      return state.status === 'NONE' ? state : { ...state, status: state.status === 'CREATED' ? 'ACCEPTED' : state.status, confirmedItems: event.data.items };
    case 'ExternalOrderDispatched':
      return withStatus(state, 'ON_WAY');
    case 'ExternalOrderArchived':
      return withStatus(state, 'ARCHIVED');
    case 'ExternalOrderCancelled':
      return withStatus(state, 'CANCELLED');
    case 'EarlyCancellationRecorded': {
      const { companyId, cause, cancellationRef } = event.data;
      return state.status === 'NONE' ? { status: 'NONE', earlyCancellation: { companyId, cause, cancellationRef } } : state;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
