import { isUuid, uuidv7, uuidv7Time } from './uuidv7';

describe('uuidv7', () => {
  it('makes RFC 9562 version 7 ids that carry their time', () => {
    const id = uuidv7(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(uuidv7Time(id).toISOString()).toBe('2025-01-02T03:04:05.006Z');
  });

  it('keeps ids made in the same millisecond increasing and unique', () => {
    const at = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 5000 }, () => uuidv7(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('never goes back when the clock does', () => {
    const later = uuidv7(Date.UTC(2031, 0, 1));
    expect(uuidv7(Date.UTC(2020, 0, 1)) > later).toBe(true);
  });
});
