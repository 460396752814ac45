import type {
  ChangeDeliveryStatus,
  CreateDelivery,
  DeleteDelivery,
  UpdateDelivery,
  CancelDeliveryForMarketplace,
} from './delivery.commands';
import { orderFieldViolations } from './validation';
import {
  NOW,
  SEALED,
  cmd,
  created,
  finished,
  order,
  orderFacts,
  settings,
  spec,
  statusChanged,
} from './delivery.fixtures';

const create = (fields: Record<string, unknown> = {}, extra: Partial<CreateDelivery['data']> = {}) =>
  cmd<CreateDelivery>('CreateDelivery', {
    delivery_id: 'd-1',
    company_id: 'c-1',
    pii_ref: 'pii-d-1',
    order: { ...orderFacts, ...fields },
    personal_data_fields: SEALED,
    located: true,
    settings,
    initiator: 'user_api',
    ...extra,
  });
const status = (
  to: ChangeDeliveryStatus['data']['status'],
  allowed = false,
  initiator: ChangeDeliveryStatus['data']['initiator'] = 'app',
) =>
  cmd<ChangeDeliveryStatus>('ChangeDeliveryStatus', {
    status: to,
    initiator,
    settings: { partially_finished_status_enabled: allowed },
  });
const patch = (fields: Record<string, unknown>, personal: string[] = [], located?: boolean) =>
  cmd<UpdateDelivery>('UpdateDelivery', {
    order: fields,
    personal_data_fields: personal,
    located,
    settings,
    initiator: 'user_api',
  });

describe('Delivery: creation and the validation table', () => {
  it('creates a delivery with defaults and the parsed interval (scenario 13)', () =>
    spec.given([]).when(create()).then([created()]));

  it('keeps the fields it was given', () =>
    spec
      .given([])
      .when(
        create({
          amount: 12.5,
          payment_type: 'cash',
          payment_status: 'unpaid',
          eta_type: 'delivery_time',
          mark_delivered_radius: 0,
          service_duration_s: 0,
          route_id: 7,
        }),
      )
      .then([
        created({
          amount_minor: 1250,
          payment_type: 'cash',
          payment_status: 'unpaid',
          eta_type: 'delivery_time',
          mark_delivered_radius: 0,
          service_duration_s: 0,
          route_id: '7',
        }),
      ]));

  it('refuses a missing time_interval (scenario 11) and names every broken field', () =>
    spec
      .given([])
      .when(create({ time_interval: undefined, number: undefined }))
      .thenThrows('REQUIRED_FIELD', {
        field: 'number',
        check: (error) =>
          expect(error.details?.violations).toEqual([
            expect.objectContaining({ code: 'REQUIRED_FIELD', field: 'number' }),
            expect.objectContaining({ code: 'REQUIRED_FIELD', field: 'time_interval' }),
          ]),
      }));

  it.each([
    [{ number: 'n'.repeat(81) }, 'FIELD_TOO_LONG', 'number'],
    [{ number: '  ' }, 'REQUIRED_FIELD', 'number'],
    [{ customer_number: 'x'.repeat(129) }, 'FIELD_TOO_LONG', 'customer_number'],
    [{ description: 'x'.repeat(1024) }, 'FIELD_TOO_LONG', 'description'],
    [{ amount: -0.01 }, 'OUT_OF_RANGE', 'amount'],
    [{ mark_delivered_radius: 10000.5 }, 'OUT_OF_RANGE', 'mark_delivered_radius'],
    [{ mark_delivered_radius: -1 }, 'OUT_OF_RANGE', 'mark_delivered_radius'],
    [{ service_duration_s: 1.5 }, 'INVALID_TYPE', 'service_duration_s'],
    [{ shared_service_duration_s: -1 }, 'OUT_OF_RANGE', 'shared_service_duration_s'],
    [{ payment_type: 'bitcoin' }, 'INVALID_ENUM', 'payment_type'],
    [{ payment_type: 'yandex_pay' }, 'VALUE_NOT_ALLOWED', 'payment_type'],
    [{ payment_status: 'maybe' }, 'INVALID_ENUM', 'payment_status'],
    [{ eta_type: 'soon' }, 'INVALID_ENUM', 'eta_type'],
    [{ status: 'lost' }, 'INVALID_ENUM', 'status'],
    [{ time_interval: '10:00-00:00' }, 'INVALID_TIME_INTERVAL', 'time_interval'],
  ])('refuses %j with %s on %s', (fields, code, field) =>
    spec.given([]).when(create(fields)).thenThrows(code, { field }),
  );

  it.each([
    [{ lat: 90.0001 }, 'OUT_OF_RANGE', 'lat'],
    [{ lon: -180.5 }, 'OUT_OF_RANGE', 'lon'],
    [{ lat: '55' }, 'INVALID_TYPE', 'lat'],
    [{ refined_lon: 181 }, 'OUT_OF_RANGE', 'refined_lon'],
  ])('checks the coordinates before they are sealed: %j is %s on %s', (fields, code, field) =>
    expect(orderFieldViolations({ ...order, ...fields }, 'create')).toEqual([expect.objectContaining({ code, field })]),
  );

  it('checks personal data before it is sealed, and requires the address among the sealed fields', () => {
    expect(
      orderFieldViolations({ ...order, customer_name: 'x'.repeat(1024), phone: 'p'.repeat(65), comments: 7 }, 'create'),
    ).toEqual([
      expect.objectContaining({ code: 'FIELD_TOO_LONG', field: 'customer_name' }),
      expect.objectContaining({ code: 'INVALID_TYPE', field: 'comments' }),
      expect.objectContaining({ code: 'FIELD_TOO_LONG', field: 'phone' }),
    ]);
    spec
      .given([])
      .when(create({}, { personal_data_fields: ['customer_name', 'lat', 'lon'] }))
      .thenThrows('REQUIRED_FIELD', { field: 'address' });
  });

  it('accepts the boundary values of the table', () =>
    spec
      .given([])
      .when(create({ number: 'n'.repeat(80), mark_delivered_radius: 10000, amount: 0 }))
      .then([created({ number: 'n'.repeat(80), mark_delivered_radius: 10000, amount_minor: 0 })]));

  it('records that the delivery is located, never where: the coordinates are sealed', () => {
    spec
      .given([])
      .when(create({ lat: 55.1, lon: 37.1, refined_lat: 55.2 }))
      .then([created()]);
    expect(JSON.stringify(created())).not.toMatch(/"(refined_)?(lat|lon)"/);
  });

  it('lets our own policies create a delivery not yet located, never callers', () => {
    spec
      .given([])
      .when(create({}, { internal: true, personal_data_fields: ['address'], located: false }))
      .then([created({ located: false })]);
    spec
      .given([])
      .when(create({}, { personal_data_fields: ['address', 'lon'], located: false }))
      .thenThrows('REQUIRED_FIELD', { field: 'lat' });
  });

  it('lets our own policies set yandex_pay, never callers', () =>
    spec
      .given([])
      .when(create({ payment_type: 'yandex_pay' }, { internal: true }))
      .then([created({ payment_type: 'yandex_pay' })]));

  it('refuses partially_finished on create unless the company enables it', () => {
    spec
      .given([])
      .when(create({ status: 'partially_finished' }))
      .thenThrows('STATUS_NOT_ALLOWED');
    spec
      .given([])
      .when(
        create(
          { status: 'partially_finished' },
          { settings: { ...settings, partially_finished_status_enabled: true } },
        ),
      )
      .then([created({ status: 'partially_finished' })]);
  });

  it('treats a redelivered create as done and another order under the same id as a conflict', () => {
    spec.given([created()]).when(create()).thenNothing();
    spec
      .given([created()])
      .when(create({ number: 'B-2' }))
      .thenThrows('DELIVERY_ALREADY_EXISTS');
  });
});

describe('Delivery: statuses (§2.7 B)', () => {
  it.each([
    ['new', 'confirmed'],
    ['new', 'postponed'],
    ['new', 'cancelled'],
    ['confirmed', 'postponed'],
    ['postponed', 'confirmed'],
    ['confirmed', 'cancelled'],
    ['postponed', 'cancelled'],
  ] as const)('goes from %s to %s', (from, to) => {
    const given = from === 'new' ? [created()] : [created(), statusChanged('new', from)];
    spec
      .given(given)
      .when(status(to))
      .then([statusChanged(from, to, 'app')]);
  });

  it('records finished with the actual deliver time', () =>
    spec
      .given([created()])
      .when(status('finished'))
      .then([
        statusChanged('new', 'finished', 'app'),
        { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: NOW, at: NOW } },
      ]));

  it('treats the current status as already satisfied', () => {
    spec
      .given([created(), statusChanged('new', 'confirmed')])
      .when(status('confirmed'))
      .thenNothing();
    spec
      .given([created(), ...finished])
      .when(status('finished'))
      .thenNothing();
    spec
      .given([created(), statusChanged('new', 'cancelled')])
      .when(status('cancelled'))
      .thenNothing();
  });

  it.each(['confirmed', 'postponed', 'cancelled', 'new'] as const)('refuses %s once finished or cancelled', (to) => {
    spec
      .given([created(), ...finished])
      .when(status(to))
      .thenThrows('ORDER_IN_TERMINAL_STATE');
    if (to !== 'cancelled')
      spec
        .given([created(), statusChanged('new', 'cancelled')])
        .when(status(to))
        .thenThrows('ORDER_IN_TERMINAL_STATE');
  });

  it('refuses going back to new', () =>
    spec
      .given([created(), statusChanged('new', 'confirmed')])
      .when(status('new'))
      .thenThrows('INVALID_STATE_TRANSITION'));

  it('allows partially_finished only where the company enables it (scenario 17), before looking at state', () => {
    spec
      .given([created(), statusChanged('new', 'confirmed')])
      .when(status('partially_finished'))
      .thenThrows('STATUS_NOT_ALLOWED', { field: 'status' });
    spec
      .given([created(), statusChanged('new', 'cancelled')])
      .when(status('partially_finished'))
      .thenThrows('STATUS_NOT_ALLOWED');
    spec
      .given([created(), statusChanged('new', 'confirmed')])
      .when(status('partially_finished', true))
      .then([statusChanged('confirmed', 'partially_finished', 'app')]);
    spec
      .given([created(), statusChanged('new', 'partially_finished')])
      .when(status('finished', true))
      .thenThrows('ORDER_IN_TERMINAL_STATE');
  });

  it('keeps the initiator, comment and point of a status update', () =>
    spec
      .given([created()])
      .when(
        cmd<ChangeDeliveryStatus>('ChangeDeliveryStatus', {
          status: 'postponed',
          initiator: 'user_api',
          comment: 'no answer',
          point: { lat: 1, lon: 2 },
          settings: { partially_finished_status_enabled: false },
        }),
      )
      .then([
        {
          type: 'DeliveryStatusChanged',
          data: {
            from: 'new',
            to: 'postponed',
            initiator: 'user_api',
            comment: 'no answer',
            point: { lat: 1, lon: 2 },
            at: NOW,
          },
        },
      ]));

  it('answers 404-style for a delivery that does not exist or was deleted', () => {
    spec.given([]).when(status('confirmed')).thenThrows('DELIVERY_NOT_FOUND');
    spec
      .given([created(), { type: 'DeliveryDeleted', data: { deleted_by: 'x', final_status: 'new', at: NOW } }])
      .when(status('confirmed'))
      .thenThrows('DELIVERY_NOT_FOUND');
  });
});

describe('Delivery: PATCH', () => {
  it('records only what changed, the interval as INTERVAL_UPDATE, personal data by name, then the status', () =>
    spec
      .given([created()])
      .when(
        patch({ amount: 10, number: 'A-1', time_interval: '13:00-14:00', status: 'confirmed', customer_name: 'P' }, [
          'customer_name',
        ]),
      )
      .then([
        { type: 'DeliveryUpdated', data: { changes: { amount_minor: 1000 }, at: NOW } },
        {
          type: 'DeliveryIntervalChanged',
          data: {
            old_interval: '11-12',
            new_interval: '13:00-14:00',
            time_interval_secs: [46800, 50400],
            time_window: { start: '2026-03-02T13:00:00+03:00', end: '2026-03-02T14:00:00+03:00' },
            at: NOW,
          },
        },
        { type: 'PersonalDataChanged', data: { pii_ref: 'pii-d-1', fields: ['customer_name'], at: NOW } },
        statusChanged('new', 'confirmed', 'user_api'),
      ]));

  it('is satisfied by a patch that changes nothing', () =>
    spec
      .given([created()])
      .when(patch({ number: 'A-1', time_interval: '11-12' }))
      .thenNothing());

  it('records resealed coordinates by name, and the delivery becoming located as a fact', () => {
    spec
      .given([created()])
      .when(patch({}, ['lat', 'refined_lon'], true))
      .then([{ type: 'PersonalDataChanged', data: { pii_ref: 'pii-d-1', fields: ['lat', 'refined_lon'], at: NOW } }]);
    spec
      .given([created({ located: false })])
      .when(patch({}, ['lat', 'lon'], true))
      .then([
        { type: 'DeliveryUpdated', data: { changes: { located: true }, at: NOW } },
        { type: 'PersonalDataChanged', data: { pii_ref: 'pii-d-1', fields: ['lat', 'lon'], at: NOW } },
      ]);
  });

  it('records only the personal-data fields whose stored value changed, and nothing when none did', () => {
    const resent = (changed: string[]) =>
      cmd<UpdateDelivery>('UpdateDelivery', {
        order: { number: 'A-1' },
        personal_data_fields: ['address', 'phone', 'lat'],
        personal_data_changed: changed,
        settings,
        initiator: 'user_api',
      });
    spec.given([created()]).when(resent([])).thenNothing();
    spec
      .given([created()])
      .when(resent(['phone']))
      .then([{ type: 'PersonalDataChanged', data: { pii_ref: 'pii-d-1', fields: ['phone'], at: NOW } }]);
  });

  it('validates before it changes anything', () => {
    spec
      .given([created()])
      .when(patch({ time_interval: '12-11', amount: 5 }))
      .thenThrows('INVALID_TIME_INTERVAL');
    spec
      .given([created()])
      .when(patch({ number: null }))
      .thenThrows('REQUIRED_FIELD', { field: 'number' });
    spec
      .given([created(), ...finished])
      .when(patch({ status: 'partially_finished' }))
      .thenThrows('STATUS_NOT_ALLOWED');
    spec
      .given([created()])
      .when(patch({ payment_type: 'yandex_pay' }))
      .thenThrows('VALUE_NOT_ALLOWED');
  });
});

describe('Delivery: delete and marketplace cancellation', () => {
  const del = cmd<DeleteDelivery>('DeleteDelivery', { deleted_by: 'ops' });
  it('deletes with erasure of the personal data record, and is gone afterwards', () => {
    spec
      .given([created(), statusChanged('new', 'confirmed')])
      .when(del)
      .then([
        { type: 'DeliveryDeleted', data: { deleted_by: 'ops', final_status: 'confirmed', at: NOW } },
        {
          type: 'PersonalDataErased',
          data: {
            pii_ref: 'pii-d-1',
            fields: ['customer_name', 'phone', 'address', 'comments', 'lat', 'lon', 'refined_lat', 'refined_lon'],
            at: NOW,
            key_destroyed: true,
          },
        },
      ]);
    spec
      .given([created(), { type: 'DeliveryDeleted', data: { deleted_by: 'ops', final_status: 'new', at: NOW } }])
      .when(del)
      .thenThrows('DELIVERY_NOT_FOUND');
  });

  const cancel = cmd<CancelDeliveryForMarketplace>('CancelDeliveryForMarketplace', { cause: 'REQUEST_ACCEPTED' });
  it('cancels an open delivery when the marketplace order is cancelled (P2)', () =>
    spec
      .given([created()])
      .when(cancel)
      .then([
        {
          type: 'DeliveryStatusChanged',
          data: {
            from: 'new',
            to: 'cancelled',
            initiator: 'user_api',
            comment: 'marketplace: REQUEST_ACCEPTED',
            at: NOW,
          },
        },
      ]));

  it('records a conflict instead when the delivery already ended, and does nothing when cancelled or absent', () => {
    spec
      .given([created(), ...finished])
      .when(cancel)
      .then([
        { type: 'DeliveryCancellationConflict', data: { cause: 'REQUEST_ACCEPTED', status: 'finished', at: NOW } },
      ]);
    spec
      .given([created(), statusChanged('new', 'cancelled')])
      .when(cancel)
      .thenNothing();
    spec.given([]).when(cancel).thenNothing();
  });
});
