import type { EvaluatePositions, UpdateDelivery } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import { NOW, TARGET, cmd, created, settings, spec, visitSettings } from './delivery.fixtures';
import { evolve, initialDelivery } from './delivery.state';

// Logs written before the coordinates were sealed: DeliveryCreated / DeliveryUpdated with the numbers in clear.

const { located: _located, ...withoutLocated } = created().data;
const oldCreated = (coordinates: Record<string, number | null>): DeliveryEvent =>
  ({ type: 'DeliveryCreated', data: { ...withoutLocated, refined_lat: null, refined_lon: null, ...coordinates } }) as unknown as DeliveryEvent;
const oldUpdated = (changes: Record<string, unknown>): DeliveryEvent => ({ type: 'DeliveryUpdated', data: { changes, at: NOW } }) as DeliveryEvent;
const fold = (events: DeliveryEvent[]) => events.reduce(evolve, initialDelivery);
const evaluate = cmd<EvaluatePositions>('EvaluatePositions', {
  courier_id: 'k-1', positions: [{ ...TARGET, timestamp: Date.parse('2026-03-02T08:00:00Z') / 1000 }], settings: visitSettings, target: TARGET,
});

describe('Delivery: events written before the coordinates were sealed', () => {
  it('folds their numbers into `located` and keeps none of them in the state (nor its snapshots)', () => {
    const state = fold([oldCreated({ lat: TARGET.lat, lon: TARGET.lon, refined_lat: 55.75 })]);
    expect(state).toMatchObject({ kind: 'active', facts: { located: true } });
    expect(JSON.stringify(state)).not.toMatch(/"(refined_)?(lat|lon)"/);
    expect(fold([oldCreated({ lat: null, lon: null })])).toMatchObject({ facts: { located: false } });
  });

  it('locates a policy-created delivery on an old PATCH of its coordinates, and drops the numbers', () => {
    const state = fold([oldCreated({ lat: null, lon: null }), oldUpdated({ lat: 55.7, lon: 37.6, amount: 5 })]);
    expect(state).toMatchObject({ facts: { located: true, amount: 5 } });
    expect(JSON.stringify(state)).not.toMatch(/"(refined_)?(lat|lon)"/);
    expect(fold([oldCreated({ lat: 55.7, lon: 37.6 }), oldUpdated({ lat: 55.8 })])).toMatchObject({ facts: { located: true } });
    expect(fold([oldCreated({ lat: null, lon: null }), oldUpdated({ refined_lat: 55.8 })])).toMatchObject({ facts: { located: false } });
  });

  it('keeps deciding on an old log: visits are detected at the target the command brings', () => {
    spec.given([oldCreated({ lat: TARGET.lat, lon: TARGET.lon })]).when(evaluate)
      .then([{ type: 'CourierArrived', data: { courier_id: 'k-1', position: { ...TARGET, time: '2026-03-02T08:00:00.000Z' }, used_mark_delivered_radius: 500 } }]);
    spec.given([oldCreated({ lat: null, lon: null })]).when(evaluate).thenNothing();
  });

  it('does not record an old delivery as located again when it is patched', () =>
    spec.given([oldCreated({ lat: TARGET.lat, lon: TARGET.lon })])
      .when(cmd<UpdateDelivery>('UpdateDelivery', { order: {}, personal_data_fields: ['lat'], located: true, settings, initiator: 'user_api' }))
      .then([{ type: 'PersonalDataChanged', data: { pii_ref: 'pii-d-1', fields: ['lat'], at: NOW } }]));
});
