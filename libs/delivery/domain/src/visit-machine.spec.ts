import { DEFAULT_MARK_DELIVERED_RADIUS_M, distanceMetres, requiredDwellSeconds, resolveRadius } from './radius';
import { OUTSIDE, TrackPoint, VisitParams, VisitState, stepVisit } from './visit-machine';

const target = { lat: 55.75, lon: 37.6 };
// One degree of latitude is about 111.2 km: metres north of the target.
const north = (metres: number, timestamp: number): TrackPoint => ({ lat: target.lat + metres / 111_195, lon: target.lon, timestamp });
const params: VisitParams = { target, radiusM: 100, requiredDwellS: 300, terminal: false };

function run(points: TrackPoint[], p: VisitParams = params, from: VisitState = OUTSIDE) {
  let state = from;
  const kinds: string[] = [];
  for (const point of points) {
    const step = stepVisit(state, point, p);
    state = step.state;
    kinds.push(...step.transitions.map((t) => `${t.kind}@${t.point.timestamp}${'dwellS' in t ? `/${t.dwellS}` : ''}`));
  }
  return { state, kinds };
}

describe('radius precedence and dwell', () => {
  it('takes the order radius, else the depot, else the company, else 500 m', () => {
    expect(resolveRadius(50, 200, 300)).toBe(50);
    expect(resolveRadius(0, 200, 300)).toBe(0);
    expect(resolveRadius(null, 200, 300)).toBe(200);
    expect(resolveRadius(undefined, null, 300)).toBe(300);
    expect(resolveRadius(null, null, null)).toBe(DEFAULT_MARK_DELIVERED_RADIUS_M);
  });

  it('requires coefficient x (service + shared service) seconds, 0.5 by default', () => {
    expect(requiredDwellSeconds(0.5, 600, 0)).toBe(300);
    expect(requiredDwellSeconds(null, 600, 120)).toBe(360);
    expect(requiredDwellSeconds(0, 600, 0)).toBe(0);
  });

  it('measures metres on the sphere', () => {
    expect(distanceMetres(target, north(100, 0))).toBeCloseTo(100, 0);
    expect(distanceMetres(target, target)).toBe(0);
  });
});

describe('visit machine', () => {
  it('arrives, stays long enough and visits (scenario 19)', () => {
    expect(run([north(10, 1000), north(20, 1060), north(5, 1299), north(5, 1300)]).kinds).toEqual(['arrived@1000', 'visited@1300/300']);
  });

  it('counts a point exactly on the radius as inside and one just beyond as outside', () => {
    expect(run([north(99.9, 1000)]).kinds).toEqual(['arrived@1000']);
    expect(run([north(100.5, 1000)]).kinds).toEqual([]);
  });

  it('visits on entry when no dwell is required', () => {
    expect(run([north(0, 1000)], { ...params, requiredDwellS: 0 }).kinds).toEqual(['arrived@1000', 'visited@1000/0']);
  });

  it('restarts the dwell on re-entry: the stay must be uninterrupted', () => {
    const { kinds, state } = run([north(0, 1000), north(0, 1200), north(500, 1250), north(0, 1260), north(0, 1500), north(0, 1560)]);
    expect(kinds).toEqual(['arrived@1000', 'departed@1250/250', 'arrived@1260', 'visited@1560/300']);
    expect(state).toEqual({ inside: true, since: 1260, visited: true, lastAt: 1560 });
  });

  it('ignores duplicate and out-of-order points', () => {
    const { kinds } = run([north(0, 1000), north(0, 1000), north(900, 900), north(900, 999), north(0, 1300)]);
    expect(kinds).toEqual(['arrived@1000', 'visited@1300/300']);
  });

  it('departs after a visit and never visits twice', () => {
    expect(run([north(0, 0), north(0, 300), north(300, 400), north(0, 500), north(0, 900)]).kinds)
      .toEqual(['arrived@0', 'visited@300/300', 'departed@400/400', 'arrived@500']);
  });

  it('with delivery_time counts the dwell from the window start, not from the arrival', () => {
    const p = { ...params, dwellNotBeforeS: 2000 };
    expect(run([north(0, 1000), north(0, 1900), north(0, 2100), north(0, 2299), north(0, 2300)], p).kinds).toEqual(['arrived@1000', 'visited@2300/300']);
  });

  it('with delivery_time and an arrival after the window start, counts from the arrival', () => {
    expect(run([north(0, 3000), north(0, 3300)], { ...params, dwellNotBeforeS: 2000 }).kinds).toEqual(['arrived@3000', 'visited@3300/300']);
  });

  it('on a terminal delivery records departures only', () => {
    const terminal = { ...params, terminal: true };
    expect(run([north(0, 1000), north(0, 2000)], terminal).kinds).toEqual([]);
    expect(run([north(0, 2000), north(500, 2100)], terminal, { inside: true, since: 1000, visited: true, lastAt: 1500 }).kinds).toEqual(['departed@2100/1100']);
  });
});
