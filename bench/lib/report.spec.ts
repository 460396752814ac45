import { median, metric, percentile, table } from './report';

describe('benchmark report helpers', () => {
  it('computes the ratio as ours over baseline', () => {
    expect(metric('append', 'events/s', 600, 1000, 'raw insert').ratio).toBe(0.6);
  });

  it('takes medians and percentiles by rank', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([...Array(100).keys()].map((i) => i + 1), 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it('prints one row per metric', () => {
    const printed = table([metric('a', 'ms', 2, 1, 'raw'), metric('b', 'ms', 1, 2, 'raw')]).split('\n');
    expect(printed).toHaveLength(4);
    expect(printed[2]).toContain('| a ');
  });
});
