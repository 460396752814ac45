import type { MarkDeliveryNext, StartRoute } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import { NOW, cmd, created, finished, spec, statusChanged } from './delivery.fixtures';
import { historyItemOf, statusLogEntryOf } from './history';

const onRoute = created({ route_id: 'r-1' });
const position = { lat: 55.7, lon: 37.6, time: NOW };
const start = (route = 'r-1') => cmd<StartRoute>('StartRoute', { route_id: route, courier_id: 'k-1', at: NOW, position });
const next = (route = 'r-1') => cmd<MarkDeliveryNext>('MarkDeliveryNext', { route_id: route, courier_id: 'k-1', at: NOW });
const started: DeliveryEvent = { type: 'RouteStarted', data: { route_id: 'r-1', courier_id: 'k-1', position, at: NOW } };
const becameNext: DeliveryEvent = { type: 'DeliveryBecameNext', data: { route_id: 'r-1', courier_id: 'k-1', at: NOW } };

describe('Delivery: START and ORDER_BECAME_NEXT', () => {
  it('records the route start once per route', () => {
    spec.given([onRoute]).when(start()).then([started]);
    spec.given([onRoute, started]).when(start()).thenNothing();
  });

  it('records the start on a finished delivery too (a fact of the route, not a status)', () =>
    spec.given([onRoute, ...finished]).when(start()).then([started]));

  it('ignores news of a route the delivery is not on', () => {
    spec.given([onRoute]).when(start('r-2')).thenNothing();
    spec.given([created()]).when(next()).thenNothing();
  });

  it('becomes next once per route, and only while open', () => {
    spec.given([onRoute, started]).when(next()).then([becameNext]);
    spec.given([onRoute, becameNext]).when(next()).thenNothing();
    spec.given([onRoute, statusChanged('new', 'cancelled')]).when(next()).thenNothing();
    spec.given([onRoute, statusChanged('new', 'postponed')]).when(next()).then([becameNext]);
  });

  it('is no error for a delivery that is gone or not created yet', () => {
    spec.given([]).when(start()).thenNothing();
    spec.given([onRoute, { type: 'DeliveryDeleted', data: { deleted_by: 'x', final_status: 'new', at: NOW } }]).when(next()).thenNothing();
  });

  it('shows as history items with their time only, and adds nothing to status_log', () => {
    const time = { time: '2026-03-02T10:00:00+03:00', timestamp: Date.parse(NOW) / 1000 };
    expect(historyItemOf(started, 'Europe/Moscow')).toEqual({ event: 'START', ...time });
    expect(historyItemOf(becameNext, 'Europe/Moscow')).toEqual({ event: 'ORDER_BECAME_NEXT', ...time });
    expect(statusLogEntryOf(started)).toBeUndefined();
    expect(statusLogEntryOf(becameNext)).toBeUndefined();
  });
});
