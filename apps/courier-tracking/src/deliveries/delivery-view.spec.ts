import { DELIVERY_UPCASTERS, type DeliveryEvent } from '@orders/delivery-domain';
import { foldView, toOrderResponse } from './delivery-view';

const base = {
  delivery_id: 'd-1',
  company_id: 'c-1',
  pii_ref: 'd-1',
  status: 'new',
  initiator: 'user_api',
  at: '2026-03-02T07:00:00.000Z',
  number: 'A-1',
  customer_number: null,
  description: null,
  time_interval: '11-12',
  time_interval_secs: [39600, 43200],
  time_window: { start: '2026-03-02T11:00:00+03:00', end: '2026-03-02T12:00:00+03:00' },
  time_zone: 'Europe/Moscow',
  route_id: null,
  depot_id: null,
  payment_type: null,
  payment_status: null,
  service_type: 'courier',
  service_duration_s: 600,
  shared_service_duration_s: 0,
  mark_delivered_radius: null,
  eta_type: null,
  volume: null,
  weight: null,
  shared_with_company_ids: [],
};
const noTokens = () => undefined;
/** A stored event of schema version 1 (JSON), read as the store reads it: through the Delivery upcasters. */
const v1 = (type: string, data: object): DeliveryEvent => {
  const upcaster = DELIVERY_UPCASTERS.find((candidate) => candidate.type === type && candidate.fromSchemaVersion === 1);
  const stored = JSON.parse(JSON.stringify(data)) as unknown;
  return { type, data: upcaster ? upcaster.upcast(stored) : stored } as DeliveryEvent;
};
/** A DeliveryCreated of the current version (2). */
const created = (extra: object): DeliveryEvent =>
  ({ type: 'DeliveryCreated', data: { ...base, located: true, ...extra } }) as unknown as DeliveryEvent;
function fold(...events: DeliveryEvent[]) {
  const view = foldView(events.map((event, index) => ({ event, version: index + 1, recordedAt: base.at })));
  if (!view) throw new Error('a created delivery folds to a view');
  return view;
}

describe('the order response: coordinates joined from the sealed record', () => {
  it('shows the sealed coordinates; the view holds none, and `located` stays internal', () => {
    const view = fold(created({ amount_minor: null }));
    expect(JSON.stringify(view)).not.toMatch(/"(refined_)?(lat|lon)"/);
    const response = toOrderResponse(
      view,
      { address: 'Tverskaya 1', lat: 55.1, lon: 37.1, refined_lat: null },
      noTokens,
      1,
    );
    expect(response).toMatchObject({
      lat: 55.1,
      lon: 37.1,
      refined_lat: null,
      refined_lon: null,
      address: 'Tverskaya 1',
    });
    expect(response).not.toHaveProperty('located');
  });

  it('shows an order written before coordinates were sealed from its old events, unless its record holds newer ones', () => {
    const view = fold(
      v1('DeliveryCreated', { ...base, amount: null, lat: 55.2, lon: 37.2, refined_lat: 55.3, refined_lon: null }),
    );
    expect(toOrderResponse(view, { address: 'Tverskaya 1' }, noTokens, 1)).toMatchObject({
      lat: 55.2,
      lon: 37.2,
      refined_lat: 55.3,
      refined_lon: null,
    });
    expect(toOrderResponse(view, { lat: 55.4, refined_lat: null }, noTokens, 1)).toMatchObject({
      lat: 55.4,
      lon: 37.2,
      refined_lat: null,
    });
    const patched = fold(
      v1('DeliveryCreated', { ...base, amount: null, lat: 55.2, lon: 37.2 }),
      v1('DeliveryUpdated', { changes: { lat: 55.5 }, at: base.at }),
    );
    expect(toOrderResponse(patched, {}, noTokens, 1)).toMatchObject({ lat: 55.5, lon: 37.2 });
  });
});

describe('the order response: money in rubles, as Track & Trace shows it', () => {
  it('shows the kopecks of the events as rubles, and the same for events stored in rubles', () => {
    const current = fold(created({ amount_minor: 125050 }), {
      type: 'DeliveryUpdated',
      data: { changes: { amount_minor: 1999 }, at: base.at },
    });
    const old = fold(
      v1('DeliveryCreated', { ...base, amount: 1250.5, located: true }),
      v1('DeliveryUpdated', { changes: { amount: 19.99 }, at: base.at }),
    );
    expect(toOrderResponse(current, {}, noTokens, 1)).toMatchObject({ amount: 19.99 });
    expect(old).toEqual(current);
    expect(
      toOrderResponse(fold(v1('DeliveryCreated', { ...base, amount: 1250.5, located: true })), {}, noTokens, 1),
    ).toMatchObject({ amount: 1250.5 });
    expect(
      toOrderResponse(fold(v1('DeliveryCreated', { ...base, amount: null, located: true })), {}, noTokens, 1),
    ).toMatchObject({ amount: null });
  });

  it('never shows the kopecks field itself', () => {
    const view = fold(created({ amount_minor: 100 }));
    expect(toOrderResponse(view, {}, noTokens, 1)).not.toHaveProperty('amount_minor');
    expect(view).not.toHaveProperty('amount_minor');
  });
});
