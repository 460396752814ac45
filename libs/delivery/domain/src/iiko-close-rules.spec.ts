import type { MarkDelivered, RecordDeliveryPayment, SetDeliveryCloseTime, UndoDelivered } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import { NOW, cmd, created, finished, paid, spec, statusChanged } from './delivery.fixtures';

const T1 = '2026-03-02T08:15:00.000Z';
const T2 = '2026-03-02T09:00:00.000Z';
const markDelivered = (at = T1) =>
  cmd<MarkDelivered>('MarkDelivered', { actual_delivered_at: at, initiator: 'user_api' });
const undo = cmd<UndoDelivered>('UndoDelivered', { initiator: 'user_api' });
const close = (time: string | null) => cmd<SetDeliveryCloseTime>('SetDeliveryCloseTime', { close_time: time });
const pay = (type: RecordDeliveryPayment['data']['payment_type'] = 'card', internal = false) =>
  cmd<RecordDeliveryPayment>('RecordDeliveryPayment', { payment_type: type, amount: 100, paid_at: NOW, internal });
const closed: DeliveryEvent = { type: 'DeliveryClosed', data: { close_time: T2, at: NOW } };
const pickup = created({ service_type: 'pickup' });

describe('iiko: delivered with its actual time', () => {
  it('marks delivered together with the actual deliver time', () =>
    spec
      .given([created(), statusChanged('new', 'confirmed')])
      .when(markDelivered())
      .then([
        statusChanged('confirmed', 'finished'),
        { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: T1, at: NOW } },
      ]));

  it('re-times an open delivered delivery, does nothing for the same time, and refuses once closed', () => {
    spec
      .given([created(), ...finished])
      .when(markDelivered(T1))
      .then([{ type: 'DeliveryActualTimeSet', data: { actual_delivered_at: T1, at: NOW } }]);
    spec
      .given([created(), ...finished])
      .when(markDelivered(NOW))
      .thenNothing();
    spec
      .given([created(), ...finished, paid, closed])
      .when(markDelivered(T1))
      .thenThrows('DELIVERY_CLOSED');
  });

  it('refuses a cancelled delivery', () =>
    spec
      .given([created(), statusChanged('new', 'cancelled')])
      .when(markDelivered())
      .thenThrows('ORDER_IN_TERMINAL_STATE'));

  it('undoes delivered: back to confirmed with the actual time cleared', () =>
    spec
      .given([created(), ...finished])
      .when(undo)
      .then([
        { type: 'DeliveryUndone', data: { restored_status: 'confirmed', initiator: 'user_api', at: NOW } },
        { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: null, at: NOW } },
      ]));

  it('refuses undo when not delivered or once closed', () => {
    spec.given([created()]).when(undo).thenThrows('DELIVERY_NOT_DELIVERED');
    spec
      .given([created(), ...finished, paid, closed])
      .when(undo)
      .thenThrows('DELIVERY_CLOSED');
  });

  it('can deliver again after an undo', () =>
    spec
      .given([
        created(),
        ...finished,
        { type: 'DeliveryUndone', data: { restored_status: 'confirmed', initiator: 'user_api', at: NOW } },
      ])
      .when(markDelivered())
      .then([
        statusChanged('confirmed', 'finished'),
        { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: T1, at: NOW } },
      ]));
});

describe('iiko: close time', () => {
  it('closes a paid, delivered courier delivery (scenario 26)', () =>
    spec
      .given([created(), ...finished, paid])
      .when(close(T2))
      .then([closed]));

  it('counts payment_status=paid given on the order as paid', () =>
    spec
      .given([created({ payment_status: 'paid' }), ...finished])
      .when(close(T2))
      .then([closed]));

  it('refuses unpaid (scenario 27), not delivered (scenario 28) and pickup (scenario 29)', () => {
    spec
      .given([created(), ...finished])
      .when(close(T2))
      .thenThrows('DELIVERY_NOT_PAID');
    spec
      .given([created(), statusChanged('new', 'confirmed'), paid])
      .when(close(T2))
      .thenThrows('DELIVERY_NOT_DELIVERED');
    spec.given([created()]).when(close(T2)).thenThrows('DELIVERY_NOT_DELIVERED');
    spec
      .given([pickup, ...finished, paid])
      .when(close(T2))
      .thenThrows('PICKUP_CLOSE_NOT_SUPPORTED', { field: 'close_time' });
    spec.given([pickup]).when(close(null)).thenThrows('PICKUP_CLOSE_NOT_SUPPORTED');
  });

  it('reopens a closed delivery to delivered when the close time is null (scenario 30)', () => {
    spec
      .given([created(), ...finished, paid, closed])
      .when(close(null))
      .then([{ type: 'DeliveryReopened', data: { previous_close_time: T2, at: NOW } }]);
    spec
      .given([created(), ...finished, paid])
      .when(close(null))
      .thenThrows('DELIVERY_NOT_CLOSED');
  });

  it('treats the same close time again as done and another one as a conflict', () => {
    spec
      .given([created(), ...finished, paid, closed])
      .when(close(T2))
      .thenNothing();
    spec
      .given([created(), ...finished, paid, closed])
      .when(close(T1))
      .thenThrows('DELIVERY_ALREADY_CLOSED');
  });

  it('allows undo after a reopen', () =>
    spec
      .given([
        created(),
        ...finished,
        paid,
        closed,
        { type: 'DeliveryReopened', data: { previous_close_time: T2, at: NOW } },
      ])
      .when(undo)
      .then([
        { type: 'DeliveryUndone', data: { restored_status: 'confirmed', initiator: 'user_api', at: NOW } },
        { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: null, at: NOW } },
      ]));
});

describe('iiko: payment', () => {
  it('records a payment as an event, once', () => {
    spec.given([created()]).when(pay()).then([paid]);
    spec.given([created(), paid]).when(pay()).thenNothing();
  });

  it('refuses yandex_pay from callers and payments on cancelled deliveries', () => {
    spec.given([created()]).when(pay('yandex_pay')).thenThrows('VALUE_NOT_ALLOWED', { field: 'payment_type' });
    spec
      .given([created()])
      .when(pay('yandex_pay', true))
      .then([{ type: 'DeliveryPaid', data: { payment_type: 'yandex_pay', amount_minor: 10000, paid_at: NOW } }]);
    spec
      .given([created(), statusChanged('new', 'cancelled')])
      .when(pay())
      .thenThrows('ORDER_IN_TERMINAL_STATE');
  });

  it('closes a pickup by its payment', () =>
    spec
      .given([pickup])
      .when(pay())
      .then([
        paid,
        statusChanged('new', 'finished'),
        { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: NOW, at: NOW } },
        { type: 'DeliveryClosed', data: { close_time: NOW, at: NOW } },
      ]));
});
