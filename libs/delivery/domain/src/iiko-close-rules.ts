import type { ActiveDelivery } from './delivery.state';
import type { DeliveryEvent } from './delivery.events';
import {
  DeliveryAlreadyClosed,
  DeliveryIsClosed,
  DeliveryNotClosed,
  DeliveryNotDelivered,
  DeliveryNotPaid,
  OrderInTerminalState,
  PickupCloseNotSupported,
} from './errors';
import { toMinorUnitsOrNull } from './money';
import { changeStatus } from './status-rules';
import type { Initiator, PaymentType } from './validation';

// iiko / Syrve delivery editing (seeds 000/001, D-IIKO-*): delivered with its actual time, undo, close, reopen, pay.

/** SetDeliveryDelivered + ChangeDeliveryActualDeliverTime. Re-timing an open delivered delivery is allowed. */
export function markDelivered(
  state: ActiveDelivery,
  actualDeliveredAt: string,
  initiator: Initiator,
  at: string,
): DeliveryEvent[] {
  if (state.status === 'finished') {
    if (state.actualDeliveredAt === actualDeliveredAt) return [];
    if (state.closeTime !== null) throw new DeliveryIsClosed();
    return [{ type: 'DeliveryActualTimeSet', data: { actual_delivered_at: actualDeliveredAt, at } }];
  }
  return changeStatus(state, { to: 'finished', initiator, at, partiallyFinishedAllowed: false, actualDeliveredAt });
}

/** SetDeliveryUndelivered: back to confirmed, actual time cleared; not once closed (INV-D5). */
export function undoDelivered(state: ActiveDelivery, initiator: Initiator, at: string): DeliveryEvent[] {
  if (state.status !== 'finished') throw new DeliveryNotDelivered();
  if (state.closeTime !== null) throw new DeliveryIsClosed();
  return [
    { type: 'DeliveryUndone', data: { restored_status: 'confirmed', initiator, at } },
    { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: null, at } },
  ];
}

/**
 * SetDeliveryCloseTime: a time closes a paid, delivered courier delivery; null reopens a closed one (R-IIKO-2..5).
 * Pickup is refused first: it is a property of the request's target, not of its progress (validation before state).
 */
export function setCloseTime(state: ActiveDelivery, closeTime: string | null, at: string): DeliveryEvent[] {
  if (state.facts.service_type === 'pickup') throw new PickupCloseNotSupported();
  if (closeTime === null) {
    if (state.closeTime === null) throw new DeliveryNotClosed();
    return [{ type: 'DeliveryReopened', data: { previous_close_time: state.closeTime, at } }];
  }
  if (state.status !== 'finished') throw new DeliveryNotDelivered();
  if (!state.paid) throw new DeliveryNotPaid();
  if (state.closeTime === closeTime) return [];
  if (state.closeTime !== null) throw new DeliveryAlreadyClosed();
  return [{ type: 'DeliveryClosed', data: { close_time: closeTime, at } }];
}

/** PayOrder (`amount` in rubles, as iiko sends it). A paid pickup is handed over and closed by the payment itself (D-IIKO-PAY). */
export function recordPayment(
  state: ActiveDelivery,
  paymentType: PaymentType,
  amount: number | null,
  paidAt: string,
  at: string,
): DeliveryEvent[] {
  if (state.paid) return [];
  if (state.status === 'cancelled') throw new OrderInTerminalState(state.status);
  const paid: DeliveryEvent = {
    type: 'DeliveryPaid',
    data: { payment_type: paymentType, amount_minor: toMinorUnitsOrNull(amount), paid_at: paidAt },
  };
  if (state.facts.service_type !== 'pickup') return [paid];
  const handedOver =
    state.status === 'finished'
      ? []
      : changeStatus(state, {
          to: 'finished',
          initiator: 'user_api',
          at,
          partiallyFinishedAllowed: false,
          actualDeliveredAt: paidAt,
        });
  return [paid, ...handedOver, { type: 'DeliveryClosed', data: { close_time: paidAt, at } }];
}
