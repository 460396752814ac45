import type { ActiveDelivery } from './delivery.state';
import type { DeliveryActualTimeSet, DeliveryEvent, DeliveryStatusChanged } from './delivery.events';
import { InvalidStateTransition, OrderInTerminalState, StatusNotAllowed } from './errors';
import { DeliveryStatus, Initiator, isTerminal } from './validation';

export interface StatusRequest {
  readonly to: DeliveryStatus;
  readonly initiator: Initiator;
  readonly at: string;
  readonly partiallyFinishedAllowed: boolean;
  readonly comment?: string;
  readonly point?: { readonly lat: number; readonly lon: number };
  /** When `finished` is reached: the actual deliver time recorded with it (iiko needs both, R-IIKO-6). */
  readonly actualDeliveredAt?: string;
}

/**
 * Status changes of domain.md §2.7 B. Asking for the status the delivery already has is satisfied: no events.
 * partially_finished is refused as input (before state) where the company has not enabled it (INV-D8).
 */
export function changeStatus(state: ActiveDelivery, request: StatusRequest): DeliveryEvent[] {
  const { to } = request;
  if (to === 'partially_finished' && !request.partiallyFinishedAllowed) throw new StatusNotAllowed(to);
  if (state.status === to) return [];
  if (isTerminal(state.status)) throw new OrderInTerminalState(state.status);
  if (to === 'new') throw new InvalidStateTransition(state.status, to);
  const changed: DeliveryStatusChanged = {
    type: 'DeliveryStatusChanged',
    data: {
      from: state.status,
      to,
      initiator: request.initiator,
      at: request.at,
      ...(request.comment !== undefined ? { comment: request.comment } : {}),
      ...(request.point !== undefined ? { point: request.point } : {}),
    },
  };
  if (to !== 'finished') return [changed];
  const actual: DeliveryActualTimeSet = {
    type: 'DeliveryActualTimeSet',
    data: { actual_delivered_at: request.actualDeliveredAt ?? request.at, at: request.at },
  };
  return [changed, actual];
}
