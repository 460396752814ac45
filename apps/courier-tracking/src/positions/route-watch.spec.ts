import { RECENT_POINTS, RECENT_POINTS_MS, RecentPoints } from './route-watch';

const at = (timestamp: number) => ({ lat: 55, lon: 37, timestamp });

describe('RecentPoints: the points a delivery joining the route is evaluated on', () => {
  it('keeps each courier\'s points in time order, whatever order they came in', () => {
    const recent = new RecentPoints();
    recent.add('k-1', [at(30), at(10)], 1_000);
    recent.add('k-2', [at(20)], 1_000);
    recent.add('k-1', [at(20)], 1_000);
    expect(recent.byCourier(1_000)).toEqual(new Map([['k-1', [at(10), at(20), at(30)]], ['k-2', [at(20)]]]));
  });

  it('holds the last RECENT_POINTS points only, and only those that came within RECENT_POINTS_MS', () => {
    const recent = new RecentPoints();
    recent.add('k-1', Array.from({ length: RECENT_POINTS + 5 }, (_, i) => at(i)), 1_000);
    const kept = recent.byCourier(1_000).get('k-1') ?? [];
    expect(kept).toHaveLength(RECENT_POINTS);
    expect(kept[0]).toEqual(at(5));
    recent.add('k-2', [at(100)], 1_000 + RECENT_POINTS_MS);
    expect([...recent.byCourier(1_000 + RECENT_POINTS_MS + 1).keys()]).toEqual(['k-2']);
  });
});
