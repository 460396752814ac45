import { deepEqual, firstDifference } from './deep-equal';

describe('deepEqual', () => {
  it('compares structurally, ignoring undefined properties like toEqual', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual(new Date(5), new Date(5))).toBe(true);
    expect(deepEqual(NaN, NaN)).toBe(true);
  });

  it('names the first difference', () => {
    expect(firstDifference({ a: [1, 2] }, { a: [1, 3] })).toEqual({ path: 'a[1]', expected: 2, received: 3 });
    expect(firstDifference([1], [1, 2])).toEqual({ path: '[1]', expected: undefined, received: 2 });
    expect(firstDifference({ a: 1 }, [1])).toEqual({ path: '', expected: { a: 1 }, received: [1] });
    expect(firstDifference(new Date(1), '1970')).toMatchObject({ path: '' });
  });
});
