import type { EvaluatePositions, VisitSettings } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import { TARGET, cmd, created, finished, spec, statusChanged, visitSettings } from './delivery.fixtures';
import type { TrackPoint } from './visit-machine';

const at = (seconds: number) => new Date(Date.parse('2026-03-02T08:00:00Z') + seconds * 1000).toISOString();
const ts = (seconds: number) => Date.parse(at(seconds)) / 1000;
const point = (seconds: number, metresNorth = 0): TrackPoint => ({
  lat: TARGET.lat + metresNorth / 111_195,
  lon: TARGET.lon,
  timestamp: ts(seconds),
});
const evaluate = (positions: TrackPoint[], settings: Partial<VisitSettings> = {}) =>
  cmd<EvaluatePositions>('EvaluatePositions', {
    courier_id: 'k-1',
    positions,
    settings: { ...visitSettings, ...settings },
    target: TARGET,
  });
const pos = (p: TrackPoint) => ({ lat: p.lat, lon: p.lon, time: new Date(p.timestamp * 1000).toISOString() });
const arrived = (p: TrackPoint, radius = 500): DeliveryEvent => ({
  type: 'CourierArrived',
  data: { courier_id: 'k-1', position: pos(p), used_mark_delivered_radius: radius },
});
const visited = (p: TrackPoint, dwell: number, required = 300, radius = 500): DeliveryEvent => ({
  type: 'DeliveryVisited',
  data: {
    courier_id: 'k-1',
    position: pos(p),
    used_mark_delivered_radius: radius,
    dwell_s: dwell,
    required_dwell_s: required,
  },
});
const autoFinished = (p: TrackPoint, from: 'new' | 'confirmed' | 'postponed' = 'new'): DeliveryEvent[] => [
  {
    type: 'DeliveryStatusChanged',
    data: { from, to: 'finished', initiator: 'yandex', point: { lat: p.lat, lon: p.lon }, at: pos(p).time },
  },
  { type: 'DeliveryActualTimeSet', data: { actual_delivered_at: pos(p).time, at: pos(p).time } },
];

describe('Delivery: automatic finish from positions', () => {
  const stay = [point(0, 10), point(60, 20), point(300, 5)];

  it('arrives, visits and finishes with initiator yandex (scenario 19)', () =>
    spec
      .given([created()])
      .when(evaluate(stay))
      .then([arrived(stay[0]), visited(stay[2], 300), ...autoFinished(stay[2])]));

  it('sorts the points of a batch by time first', () =>
    spec
      .given([created()])
      .when(evaluate([stay[2], stay[0], stay[1]]))
      .then([arrived(stay[0]), visited(stay[2], 300), ...autoFinished(stay[2])]));

  it('records the visit without finishing where the company has auto-marking disabled', () =>
    spec
      .given([created()])
      .when(evaluate(stay, { mark_delivered_enabled: false }))
      .then([arrived(stay[0]), visited(stay[2], 300)]));

  it('auto-finishes a postponed delivery on a later stay (seed 002 names no status; postponed awaits another attempt)', () =>
    spec
      .given([created(), statusChanged('new', 'postponed')])
      .when(evaluate(stay))
      .then([arrived(stay[0]), visited(stay[2], 300), ...autoFinished(stay[2], 'postponed')]));

  it('leaves a postponed delivery open where auto-marking is disabled', () =>
    spec
      .given([created(), statusChanged('new', 'postponed')])
      .when(evaluate(stay, { mark_delivered_enabled: false }))
      .then([arrived(stay[0]), visited(stay[2], 300)]));

  it('uses the order radius, then the depot, then the company one', () => {
    const far = [point(0, 150), point(300, 150)];
    spec
      .given([created()])
      .when(evaluate(far, { company_mark_delivered_radius: 100 }))
      .thenNothing();
    spec
      .given([created()])
      .when(evaluate(far, { company_mark_delivered_radius: 100, depot_mark_delivered_radius: 200 }))
      .then([arrived(far[0], 200), visited(far[1], 300, 300, 200), ...autoFinished(far[1])]);
    spec
      .given([created({ mark_delivered_radius: 149 })])
      .when(evaluate(far, { depot_mark_delivered_radius: 200 }))
      .thenNothing();
  });

  it('continues a stay that began in an earlier batch, and restarts it after a departure', () => {
    spec
      .given([created(), arrived(point(0))])
      .when(evaluate([point(299), point(300)]))
      .then([visited(point(300), 300), ...autoFinished(point(300))]);
    const departed: DeliveryEvent = {
      type: 'CourierDeparted',
      data: { courier_id: 'k-1', position: pos(point(100, 900)), used_mark_delivered_radius: 500, dwell_s: 100 },
    };
    spec
      .given([created(), arrived(point(0)), departed])
      .when(evaluate([point(300)]))
      .then([arrived(point(300))]);
  });

  it('ignores late and duplicate points', () =>
    spec
      .given([created(), arrived(point(100))])
      .when(evaluate([point(100), point(50, 900), point(99)]))
      .thenNothing());

  it('with eta_type=delivery_time counts from the window start (11:00 Moscow = 08:00Z)', () => {
    const given = created({ eta_type: 'delivery_time' });
    const early = [point(-600), point(-1), point(299), point(300)];
    spec
      .given([given])
      .when(evaluate(early))
      .then([arrived(early[0]), visited(early[3], 300), ...autoFinished(early[3])]);
  });

  it('never changes a terminal status: only a departure is recorded', () => {
    spec
      .given([created(), ...finished])
      .when(evaluate(stay))
      .thenNothing();
    spec
      .given([created(), statusChanged('new', 'cancelled')])
      .when(evaluate(stay))
      .thenNothing();
    spec
      .given([created(), arrived(point(0)), ...finished])
      .when(evaluate([point(400, 900)]))
      .then([
        {
          type: 'CourierDeparted',
          data: { courier_id: 'k-1', position: pos(point(400, 900)), used_mark_delivered_radius: 500, dwell_s: 400 },
        },
      ]);
  });

  it('ignores positions for deliveries that do not exist or were deleted', () => {
    spec.given([]).when(evaluate(stay)).thenNothing();
    spec
      .given([created(), { type: 'DeliveryDeleted', data: { deleted_by: 'x', final_status: 'new', at: at(0) } }])
      .when(evaluate(stay))
      .thenNothing();
  });
});

describe('Delivery: created by a policy without a location', () => {
  it('detects nothing until it is located', () =>
    spec
      .given([created({ located: false })])
      .when(evaluate([point(0), point(300)]))
      .thenNothing());
});
