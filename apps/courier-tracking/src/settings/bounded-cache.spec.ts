import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('never holds more than its limit, dropping the least recently used', () => {
    const cache = new BoundedCache<string, number | null>(2);
    cache.set('a', 1);
    cache.set('b', null);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
  });

  it('keeps a cached miss apart from an absent entry', () => {
    const cache = new BoundedCache<string, number | null>(4);
    cache.set('missing', null);
    expect(cache.has('missing')).toBe(true);
    expect(cache.get('missing')).toBeNull();
    expect(cache.get('never-asked')).toBeUndefined();
    cache.delete('missing');
    expect(cache.has('missing')).toBe(false);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new BoundedCache(0)).toThrow(/positive integer/);
  });
});
