import type { DeliveryEvent } from '@orders/delivery-domain';
import { foldView, toOrderResponse } from './delivery-view';

const base = {
  delivery_id: 'd-1', company_id: 'c-1', pii_ref: 'd-1', status: 'new', initiator: 'user_api', at: '2026-03-02T07:00:00.000Z',
  number: 'A-1', customer_number: null, description: null, time_interval: '11-12', time_interval_secs: [39600, 43200],
  time_window: { start: '2026-03-02T11:00:00+03:00', end: '2026-03-02T12:00:00+03:00' }, time_zone: 'Europe/Moscow', route_id: null, depot_id: null,
  amount: null, payment_type: null, payment_status: null, service_type: 'courier', service_duration_s: 600, shared_service_duration_s: 0,
  mark_delivered_radius: null, eta_type: null, volume: null, weight: null, shared_with_company_ids: [],
};
const noTokens = () => undefined;
function fold(data: object) {
  const view = foldView([{ event: { type: 'DeliveryCreated', data } as DeliveryEvent, version: 1, recordedAt: base.at }]);
  if (!view) throw new Error('a created delivery folds to a view');
  return view;
}

describe('the order response: coordinates joined from the sealed record', () => {
  it('shows the sealed coordinates; the view holds none, and `located` stays internal', () => {
    const view = fold({ ...base, located: true });
    expect(JSON.stringify(view)).not.toMatch(/"(refined_)?(lat|lon)"/);
    const response = toOrderResponse(view, { address: 'Tverskaya 1', lat: 55.1, lon: 37.1, refined_lat: null }, noTokens);
    expect(response).toMatchObject({ lat: 55.1, lon: 37.1, refined_lat: null, refined_lon: null, address: 'Tverskaya 1' });
    expect(response).not.toHaveProperty('located');
  });

  it('shows an order written before coordinates were sealed from its old events, unless its record holds newer ones', () => {
    const view = fold({ ...base, lat: 55.2, lon: 37.2, refined_lat: 55.3, refined_lon: null });
    expect(toOrderResponse(view, { address: 'Tverskaya 1' }, noTokens)).toMatchObject({ lat: 55.2, lon: 37.2, refined_lat: 55.3, refined_lon: null });
    expect(toOrderResponse(view, { lat: 55.4, refined_lat: null }, noTokens)).toMatchObject({ lat: 55.4, lon: 37.2, refined_lat: null });
  });
});
