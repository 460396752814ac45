import type { Delivery, DeliveryEvent, Point } from '@orders/delivery-domain';
import { foldView, toOrderResponse } from './delivery-view';
import { holdsPointInClear, sealedForStorage } from './sealed-positions';

const T0 = '2026-03-02T08:00:00.000Z';
const created: DeliveryEvent = {
  type: 'DeliveryCreated',
  data: {
    delivery_id: 'd-1',
    company_id: 'c-1',
    pii_ref: 'pii-1',
    status: 'new',
    initiator: 'user_api',
    at: T0,
    located: true,
    number: 'A-1',
    customer_number: null,
    description: null,
    time_interval: '11-12',
    time_interval_secs: [39600, 43200],
    time_window: { start: '2026-03-02T11:00:00+03:00', end: '2026-03-02T12:00:00+03:00' },
    time_zone: 'Europe/Moscow',
    route_id: 'r-1',
    depot_id: null,
    amount_minor: null,
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
  },
};
const door = { lat: 55.7512443, lon: 37.6184231 };
const decided: DeliveryEvent[] = [
  { type: 'RouteStarted', data: { route_id: 'r-1', courier_id: 'k', position: { ...door, time: T0 }, at: T0 } },
  {
    type: 'CourierArrived',
    data: { courier_id: 'k', position: { ...door, time: T0 }, used_mark_delivered_radius: 500 },
  },
  {
    type: 'DeliveryVisited',
    data: {
      courier_id: 'k',
      position: { ...door, time: T0 },
      used_mark_delivered_radius: 500,
      dwell_s: 300,
      required_dwell_s: 300,
    },
  },
  { type: 'DeliveryStatusChanged', data: { from: 'new', to: 'finished', initiator: 'yandex', point: door, at: T0 } },
  { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: T0, at: T0 } },
  {
    type: 'CourierDeparted',
    data: { courier_id: 'k', position: { ...door, time: T0 }, used_mark_delivered_radius: 500, dwell_s: 400 },
  },
];
const active: Delivery = {
  kind: 'active',
  id: 'd-1',
  companyId: 'c-1',
  piiRef: 'pii-1',
  status: 'new',
  facts: {} as never,
  paid: false,
  actualDeliveredAt: null,
  closeTime: null,
  visits: {},
  startedRoute: null,
  nextOnRoute: null,
};

/** A stand-in for the vault: tokens that name their subject and value, and open while `erased` is false. */
function fakeKey() {
  const key = { erased: false, sealed: [] as string[] };
  const seal = async (subjectId: string, point: Point) => {
    key.sealed.push(subjectId);
    return `pd1.${Buffer.from(JSON.stringify(point)).toString('base64url')}`;
  };
  const open = (token: string): Point | undefined =>
    key.erased ? undefined : JSON.parse(Buffer.from(token.slice(4), 'base64url').toString());
  return { key, seal, open };
}

const shown = (events: readonly DeliveryEvent[], open: (token: string) => Point | undefined) => {
  const view = foldView([created, ...events].map((event, i) => ({ event, version: i + 1, recordedAt: T0 })));
  if (!view) throw new Error('a created delivery folds to a view');
  const response = toOrderResponse(view, {}, open, 1);
  return { view, response: response as { history: { event: string; position?: object }[]; status_log: object[] } };
};

describe('courier positions sealed for storage and opened for responses', () => {
  it('seals every point under the order key before storage; the view holds tokens; the response shows the numbers', async () => {
    const { key, seal, open } = fakeKey();
    const stored = await Promise.all(decided.map((event) => sealedForStorage(event, active, seal)));
    expect(key.sealed).toEqual(['pii-1', 'pii-1', 'pii-1', 'pii-1', 'pii-1']);
    expect(JSON.stringify(stored)).not.toContain('55.75');
    expect(stored.some(holdsPointInClear)).toBe(false);
    expect(stored[4]).toBe(decided[4]); // nothing to seal: the same event
    expect(await sealedForStorage(stored[1], active, seal)).toBe(stored[1]); // already sealed: left alone

    const { view, response } = shown(stored, open);
    expect(JSON.stringify(view)).not.toContain('55.75');
    expect(response.history.filter((item) => item.position).map((item) => [item.event, item.position])).toEqual([
      ['ARRIVAL', { ...door, time: T0 }],
      ['ORDER_VISIT', { ...door, time: T0 }],
      ['DEPARTURE', { ...door, time: T0 }],
    ]);
    expect(response.status_log).toEqual([
      { status: 'new', timestamp: Date.parse(T0) / 1000 },
      { status: 'finished', timestamp: Date.parse(T0) / 1000, point: door },
    ]);
    expect(JSON.stringify(response)).not.toContain('pd1.');

    key.erased = true; // the key is gone: tokens show nothing, and the shape stays
    const after = shown(stored, open).response;
    expect(JSON.stringify(after)).not.toContain('55.75');
    expect(after.history.map((item) => item.event)).toEqual(response.history.map((item) => item.event));
  });

  it('shows old events that carry the numbers in clear as they are', () => {
    const { response } = shown(decided, () => {
      throw new Error('old events hold no tokens');
    });
    expect(response.history.find((item) => item.event === 'ARRIVAL')?.position).toEqual({ ...door, time: T0 });
    expect(response.status_log[1]).toEqual({ status: 'finished', timestamp: Date.parse(T0) / 1000, point: door });
  });

  it('refuses to seal for a delivery that is not active (no record to name)', async () => {
    await expect(sealedForStorage(decided[1], { kind: 'deleted' }, fakeKey().seal)).rejects.toThrow(/not active/);
  });
});
