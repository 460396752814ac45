import type { EvaluatePositions, UpdateDelivery } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import { DELIVERY_UPCASTERS } from './delivery.upcasters';
import { NOW, TARGET, cmd, created, settings, spec, visitSettings } from './delivery.fixtures';
import { evolve, initialDelivery } from './delivery.state';

// Events as version 1 stored them (JSON from the events table): money as rubles, and, before the coordinates were
// sealed, the numbers in clear instead of `located`. Read through the upcasters as the store reads them.

const upcast = (type: string, json: string): DeliveryEvent => {
  const upcaster = DELIVERY_UPCASTERS.find((candidate) => candidate.type === type && candidate.fromSchemaVersion === 1);
  const data = JSON.parse(json) as unknown;
  return { type, data: upcaster ? upcaster.upcast(data) : data } as DeliveryEvent;
};
const CREATED_BASE =
  '"delivery_id":"d-1","company_id":"c-1","pii_ref":"pii-d-1","status":"new","initiator":"user_api","at":"2026-03-02T07:00:00.000Z",' +
  '"number":"A-1","customer_number":null,"description":null,"time_interval":"11-12","time_interval_secs":[39600,43200],' +
  '"time_window":{"start":"2026-03-02T11:00:00+03:00","end":"2026-03-02T12:00:00+03:00"},"time_zone":"Europe/Moscow","route_id":null,' +
  '"depot_id":null,"payment_type":null,"payment_status":null,"service_type":"courier","service_duration_s":600,"shared_service_duration_s":0,' +
  '"mark_delivered_radius":null,"eta_type":null,"volume":null,"weight":null,"shared_with_company_ids":[]';
/** v1 after the coordinates were sealed: `located`, money in rubles. */
const sealedCreated = (amount: string) =>
  upcast('DeliveryCreated', `{${CREATED_BASE},"located":true,"amount":${amount}}`);
/** v1 before: the numbers in clear, no `located`. */
const clearCreated = (coordinates: string, amount = 'null') =>
  upcast(
    'DeliveryCreated',
    `{${CREATED_BASE},"amount":${amount},"refined_lat":null,"refined_lon":null,${coordinates}}`,
  );
const updated = (changes: string) => upcast('DeliveryUpdated', `{"changes":{${changes}},"at":"${NOW}"}`);
const fold = (events: DeliveryEvent[]) => events.reduce(evolve, initialDelivery);
const evaluate = cmd<EvaluatePositions>('EvaluatePositions', {
  courier_id: 'k-1',
  positions: [{ ...TARGET, timestamp: Date.parse('2026-03-02T08:00:00Z') / 1000 }],
  settings: visitSettings,
  target: TARGET,
});

describe('Delivery upcasters: money in rubles (v1) to kopecks (v2)', () => {
  it('turns `amount` into `amount_minor` on a created delivery, a PATCH and a payment, as the contract mapper rounded it', () => {
    expect(sealedCreated('1250.5')).toEqual(created({ amount_minor: 125050 }));
    expect(sealedCreated('19.99').data).toMatchObject({ amount_minor: 1999 });
    expect(sealedCreated('null')).toEqual(created());
    expect(updated('"amount":900.5,"eta_type":"arrival_time"')).toEqual({
      type: 'DeliveryUpdated',
      data: { changes: { amount_minor: 90050, eta_type: 'arrival_time' }, at: NOW },
    });
    expect(updated('"amount":null').data).toEqual({ changes: { amount_minor: null }, at: NOW });
    expect(updated('"number":"A-2"').data).toEqual({ changes: { number: 'A-2' }, at: NOW });
    expect(upcast('DeliveryPaid', `{"payment_type":"card","amount":990,"paid_at":"${NOW}"}`).data).toEqual({
      payment_type: 'card',
      amount_minor: 99000,
      paid_at: NOW,
    });
    expect(upcast('DeliveryPaid', `{"payment_type":"cash","amount":null,"paid_at":"${NOW}"}`).data).toEqual({
      payment_type: 'cash',
      amount_minor: null,
      paid_at: NOW,
    });
  });

  it('folds an old log to the state a new one with the same amounts folds to', () => {
    const old = [
      sealedCreated('1250.5'),
      updated('"amount":10'),
      upcast('DeliveryPaid', `{"payment_type":"card","amount":10,"paid_at":"${NOW}"}`),
    ];
    const current: DeliveryEvent[] = [
      created({ amount_minor: 125050 }),
      { type: 'DeliveryUpdated', data: { changes: { amount_minor: 1000 }, at: NOW } },
      { type: 'DeliveryPaid', data: { payment_type: 'card', amount_minor: 1000, paid_at: NOW } },
    ];
    expect(fold(old)).toEqual(fold(current));
    expect(fold(old)).toMatchObject({ facts: { amount_minor: 1000 }, paid: true });
  });

  it('decides on an old log in kopecks: the same amount in rubles is no change', () =>
    spec
      .given([sealedCreated('1250.5')])
      .when(
        cmd<UpdateDelivery>('UpdateDelivery', {
          order: { amount: 1250.5 },
          personal_data_fields: [],
          settings,
          initiator: 'user_api',
        }),
      )
      .thenNothing());
});

describe('Delivery upcasters: coordinates in clear (before they were sealed) to `located`', () => {
  it('derives `located` from the numbers and keeps them apart from the facts; the state holds none of them', () => {
    const event = clearCreated('"lat":55.751244,"lon":37.618423,"refined_lat":55.75', '12.5');
    expect(event.data).toMatchObject({
      located: true,
      amount_minor: 1250,
      legacy_coordinates: { lat: 55.751244, lon: 37.618423, refined_lat: 55.75, refined_lon: null },
    });
    expect(event.data).not.toHaveProperty('lat');
    const state = fold([event]);
    expect(state).toEqual(fold([created({ amount_minor: 1250 })]));
    expect(JSON.stringify(state)).not.toMatch(/"(refined_)?(lat|lon)"|legacy/);
    expect(fold([clearCreated('"lat":null,"lon":null')])).toMatchObject({ facts: { located: false } });
  });

  it('locates a policy-created delivery on an old PATCH of both coordinates, and drops the numbers from the changes', () => {
    const patch = updated('"lat":55.7,"lon":37.6,"amount":5');
    expect(patch.data).toEqual({
      changes: { amount_minor: 500, located: true },
      at: NOW,
      legacy_coordinates: { lat: 55.7, lon: 37.6 },
    });
    const state = fold([clearCreated('"lat":null,"lon":null'), patch]);
    expect(state).toMatchObject({ facts: { located: true, amount_minor: 500 } });
    expect(JSON.stringify(state)).not.toMatch(/"(refined_)?(lat|lon)"|legacy/);
  });

  it('leaves `located` as it was on an old PATCH of one coordinate or of the refined ones (as evolve did with the state)', () => {
    expect(updated('"lat":55.8').data).toEqual({ changes: {}, at: NOW, legacy_coordinates: { lat: 55.8 } });
    expect(fold([clearCreated('"lat":55.7,"lon":37.6'), updated('"lat":55.8')])).toMatchObject({
      facts: { located: true },
    });
    expect(fold([clearCreated('"lat":null,"lon":null'), updated('"lon":37.6')])).toMatchObject({
      facts: { located: false },
    });
    expect(fold([clearCreated('"lat":null,"lon":null'), updated('"refined_lat":55.8')])).toMatchObject({
      facts: { located: false },
    });
    // A PATCH never cleared a coordinate; had one, the delivery would no longer be located.
    expect(updated('"lat":null').data).toMatchObject({ changes: { located: false } });
    expect(updated('"lat":55.8,"lon":null').data).toMatchObject({ changes: { located: false } });
  });

  it('keeps deciding on an old log: visits are detected at the target the command brings', () => {
    spec
      .given([clearCreated('"lat":55.751244,"lon":37.618423')])
      .when(evaluate)
      .then([
        {
          type: 'CourierArrived',
          data: {
            courier_id: 'k-1',
            position: { ...TARGET, time: '2026-03-02T08:00:00.000Z' },
            used_mark_delivered_radius: 500,
          },
        },
      ]);
    spec
      .given([clearCreated('"lat":null,"lon":null')])
      .when(evaluate)
      .thenNothing();
  });

  it('does not record an old delivery as located again when it is patched', () =>
    spec
      .given([clearCreated('"lat":55.751244,"lon":37.618423')])
      .when(
        cmd<UpdateDelivery>('UpdateDelivery', {
          order: {},
          personal_data_fields: ['lat'],
          located: true,
          settings,
          initiator: 'user_api',
        }),
      )
      .then([{ type: 'PersonalDataChanged', data: { pii_ref: 'pii-d-1', fields: ['lat'], at: NOW } }]));

  it('registers one step per changed type, all from version 1', () =>
    expect(DELIVERY_UPCASTERS.map(({ type, fromSchemaVersion }) => `${type} v${fromSchemaVersion}`)).toEqual([
      'DeliveryCreated v1',
      'DeliveryUpdated v1',
      'DeliveryPaid v1',
    ]));
});
