import { fold } from '@orders/decider-kit';
import { deliveryDecider } from './delivery.decider';
import type { DeliveryEvent } from './delivery.events';
import { NOW, created, finished, paid, statusChanged } from './delivery.fixtures';
import { historyItemOf, statusCommentOf, statusLogEntryOf } from './history';

const events: DeliveryEvent[] = [
  created(),
  {
    type: 'DeliveryIntervalChanged',
    data: {
      old_interval: '11-12',
      new_interval: '12-13',
      time_interval_secs: [43200, 46800],
      time_window: { start: 's', end: 'e' },
      at: NOW,
    },
  },
  {
    type: 'CourierArrived',
    data: { courier_id: 'k', position: { lat: 1, lon: 2, time: NOW }, used_mark_delivered_radius: 500 },
  },
  {
    type: 'DeliveryVisited',
    data: {
      courier_id: 'k',
      position: { lat: 1, lon: 2, time: NOW },
      used_mark_delivered_radius: 500,
      dwell_s: 300,
      required_dwell_s: 300,
    },
  },
  {
    type: 'DeliveryStatusChanged',
    data: { from: 'new', to: 'finished', initiator: 'yandex', point: { lat: 1, lon: 2 }, at: NOW, comment: 'auto' },
  },
  {
    type: 'CourierDeparted',
    data: { courier_id: 'k', position: { lat: 1, lon: 2, time: NOW }, used_mark_delivered_radius: 500, dwell_s: 400 },
  },
  paid,
  { type: 'DeliveryUndone', data: { restored_status: 'confirmed', initiator: 'user_api', at: NOW } },
];

describe('history and status_log', () => {
  it('shows the Track & Trace history items with time in the order zone', () => {
    const history = events.map((e) => historyItemOf(e, 'Europe/Moscow')).filter(Boolean);
    const time = { time: '2026-03-02T10:00:00+03:00', timestamp: Date.parse(NOW) / 1000 };
    const position = { lat: 1, lon: 2, time: NOW };
    expect(history).toEqual([
      { event: 'ORDER_CREATED', ...time },
      { event: 'INTERVAL_UPDATE', ...time },
      { event: 'ARRIVAL', ...time, position, used_mark_delivered_radius: 500 },
      { event: 'ORDER_VISIT', ...time, position, used_mark_delivered_radius: 500 },
      { event: 'STATUS_UPDATE', ...time, source: { initiator: 'yandex' } },
      { event: 'DEPARTURE', ...time, position, used_mark_delivered_radius: 500 },
      { event: 'STATUS_UPDATE', ...time, source: { initiator: 'user_api' } },
    ]);
  });

  it('logs each status with its time and point, and status comments', () => {
    const timestamp = Date.parse(NOW) / 1000;
    expect(events.map(statusLogEntryOf).filter(Boolean)).toEqual([
      { status: 'new', timestamp },
      { status: 'finished', timestamp, point: { lat: 1, lon: 2 } },
      { status: 'confirmed', timestamp },
    ]);
    expect(events.map(statusCommentOf).filter(Boolean)).toEqual([{ status: 'finished', comment: 'auto' }]);
  });

  it('folds sealed positions to the same state as clear ones (evolve reads only their times), and shows the tokens', () => {
    const sealed = (event: DeliveryEvent): DeliveryEvent => {
      if (event.type === 'DeliveryStatusChanged' && event.data.point) {
        const { point: _point, ...data } = event.data;
        return { ...event, data: { ...data, sealed_point: 'pd1.point' } };
      }
      if (event.type === 'CourierArrived' || event.type === 'DeliveryVisited' || event.type === 'CourierDeparted') {
        return {
          ...event,
          data: { ...event.data, position: { time: event.data.position.time, sealed: `pd1.${event.type}` } },
        } as DeliveryEvent;
      }
      return event;
    };
    const stored = events.map(sealed);
    expect(JSON.stringify(stored)).not.toMatch(/"(lat|lon)"/);
    // Old events (numbers in clear, as in `events`) and sealed ones fold alike, mixed in one log too.
    expect(fold(deliveryDecider, stored)).toEqual(fold(deliveryDecider, events));
    expect(fold(deliveryDecider, [...events.slice(0, 3), ...stored.slice(3)])).toEqual(fold(deliveryDecider, events));
    const history = stored.map((e) => historyItemOf(e, 'Europe/Moscow')).filter((item) => item?.position);
    expect(history.map((item) => [item?.event, item?.position])).toEqual([
      ['ARRIVAL', { time: NOW, sealed: 'pd1.CourierArrived' }],
      ['ORDER_VISIT', { time: NOW, sealed: 'pd1.DeliveryVisited' }],
      ['DEPARTURE', { time: NOW, sealed: 'pd1.CourierDeparted' }],
    ]);
    expect(stored.map(statusLogEntryOf).filter(Boolean)[1]).toEqual({
      status: 'finished',
      timestamp: Date.parse(NOW) / 1000,
      sealed_point: 'pd1.point',
    });
  });

  it('folds to a state whose evolve never throws on unexpected events', () => {
    expect(fold(deliveryDecider, [paid, ...finished, created(), statusChanged('new', 'confirmed')])).toMatchObject({
      kind: 'active',
      status: 'confirmed',
      paid: false,
    });
  });
});
