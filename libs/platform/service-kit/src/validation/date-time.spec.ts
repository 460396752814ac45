import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import {
  IsCalendarDate, IsDateTime, dateTimeAtOffset, isCalendarDate, offsetOfDateTime, parseDateTime,
} from './date-time';

class Stamp {
  @IsDateTime({ context: { code: 'INVALID_DATE_TIME' } })
  at!: string;

  @IsCalendarDate()
  day!: string;
}

describe('parseDateTime', () => {
  it('accepts RFC 3339 date-times and reads the instant they name', () => {
    expect(parseDateTime('2026-03-02T11:20:00+03:00')?.toISOString()).toBe('2026-03-02T08:20:00.000Z');
    expect(parseDateTime('2026-03-02T11:20:00Z')?.toISOString()).toBe('2026-03-02T11:20:00.000Z');
    expect(parseDateTime('2024-02-29T23:59:59.5-00:30')?.toISOString()).toBe('2024-03-01T00:29:59.500Z');
    // Microseconds and nanoseconds (Python, PostgreSQL) are truncated to milliseconds, as Date does.
    expect(parseDateTime('2026-01-01T10:00:00.123456789Z')?.toISOString()).toBe('2026-01-01T10:00:00.123Z');
    expect(parseDateTime('1900-01-01T00:00:00+05:00')?.toISOString()).toBe('1899-12-31T19:00:00.000Z');
  });

  it.each([
    ['a week date', '2026-W01-1'],
    ['an ordinal date', '2026-001'],
    ['a time alone', '10:00:00,5Z'],
    ['a comma fraction', '2026-01-01T10:00:00,5Z'],
    ['a six-digit year', '275760-09-13T00:00:00Z'],
    ['an expanded year', '+275760-09-13T00:00:00.000Z'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['a year past the bound', '3000-01-01T00:00:00Z'],
    ['February 30th', '2026-02-30T00:00:00Z'],
    ['February 29th of 2026', '2026-02-29T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['a leap second', '2026-01-01T23:59:60Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['an offset of 24 hours', '2026-01-01T10:00:00+24:00'],
    ['the basic format', '20260101T100000Z'],
    ['no seconds', '2026-01-01T10:00Z'],
    ['a date alone', '2026-01-01'],
    ['lower-case t and z', '2026-01-01t10:00:00z'],
    ['a space separator', '2026-01-01 10:00:00Z'],
    ['no offset', '2026-01-01T10:00:00'],
    ['ten fraction digits', '2026-01-01T10:00:00.1234567890Z'],
    ['a NUL', '2026-01-01T10:00:00Z\u0000'],
  ])('refuses %s (%s)', (_what, text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const value of [null, undefined, 1767261600000, new Date(), ['2026-01-01T10:00:00Z'], {}])
      expect(parseDateTime(value)).toBeUndefined();
  });

  it('accepts exactly the instants it can write back: every accepted text round-trips through toISOString', () => {
    const stamp = fc.record({
      year: fc.integer({ min: 1850, max: 3050 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      offset: fc.constantFrom('Z', '+03:00', '-23:59', '+24:00', '+05:60'),
    });
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(stamp, (s) => {
        const text = `${pad(s.year, 4)}-${pad(s.month)}-${pad(s.day)}T${pad(s.hour)}:${pad(s.minute)}:${pad(s.second)}${s.offset}`;
        const parsed = parseDateTime(text);
        const valid =
          s.year >= 1900 &&
          s.year <= 2999 &&
          s.month >= 1 &&
          s.month <= 12 &&
          s.day >= 1 &&
          s.day <= new Date(Date.UTC(s.year, s.month, 0)).getUTCDate() &&
          s.hour <= 23 &&
          s.minute <= 59 &&
          s.second <= 59 &&
          !['+24:00', '+05:60'].includes(s.offset);
        expect(parsed !== undefined).toBe(valid);
        if (parsed) expect(parseDateTime(parsed.toISOString())?.getTime()).toBe(parsed.getTime());
      }),
      { seed: 14, numRuns: 2000 },
    );
  });
});

describe('IsDateTime and IsCalendarDate', () => {
  const errors = (plain: object) => validateSync(plainToInstance(Stamp, plain));

  it("pass valid values and name the field with the DTO's code otherwise", () => {
    expect(errors({ at: '2026-03-02T11:20:00+03:00', day: '2026-03-02' })).toEqual([]);
    const [at, day] = errors({ at: '2026-W01-1', day: '2026-02-31' });
    expect(at.property).toBe('at');
    expect(at.contexts).toEqual({ isDateTime: { code: 'INVALID_DATE_TIME' } });
    expect(at.constraints?.isDateTime).toMatch(/RFC 3339/);
    expect(day.constraints).toEqual({ isCalendarDate: expect.stringMatching(/calendar date/) });
  });

  it('accept calendar dates that exist only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const text of [
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-1',
      '0000-01-01',
      '2026-01-01T00:00:00Z',
      20260101,
    ])
      expect(isCalendarDate(text)).toBe(false);
  });
});

describe('offsetOfDateTime and dateTimeAtOffset', () => {
  it('reads the offset a date-time was written with, as written', () => {
    expect(offsetOfDateTime('2026-11-23T12:30:00+03:00')).toBe('+03:00');
    expect(offsetOfDateTime('2026-11-23T09:30:00Z')).toBe('Z');
    expect(offsetOfDateTime('2026-11-23T09:30:00.5-00:30')).toBe('-00:30');
    expect(offsetOfDateTime('2026-11-23 12:30')).toBeUndefined();
    expect(offsetOfDateTime(null)).toBeUndefined();
  });

  it('writes an instant back at the offset it was given with: the same text for whole seconds', () => {
    expect(dateTimeAtOffset('2026-11-23T09:30:00.000Z', '+03:00')).toBe('2026-11-23T12:30:00+03:00');
    expect(dateTimeAtOffset('2026-11-23T09:30:00.000Z', 'Z')).toBe('2026-11-23T09:30:00Z');
    expect(dateTimeAtOffset('2026-01-01T01:00:00.250Z', '-05:30')).toBe('2025-12-31T19:30:00.250-05:30');
    expect(dateTimeAtOffset(new Date('2020-01-13T06:30:00Z'), '+06:00')).toBe('2020-01-13T12:30:00+06:00');
    expect(() => dateTimeAtOffset('2026-11-23T09:30:00Z', '+3')).toThrow(/offset/);
  });

  it('round-trips every date-time it accepts to the same instant and offset', () => {
    const anyDateTime = fc.record({
      at: fc.date({
        min: new Date('1901-01-01T00:00:00Z'), max: new Date('2998-12-31T00:00:00Z'), noInvalidDate: true,
      }),
      minutes: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
    });
    fc.assert(fc.property(anyDateTime, ({ at, minutes }) => {
      const two = (n: number) => String(n).padStart(2, '0');
      const hours = two(Math.floor(Math.abs(minutes) / 60));
      const offset = `${minutes < 0 ? '-' : '+'}${hours}:${two(Math.abs(minutes) % 60)}`;
      const written = dateTimeAtOffset(at, offset);
      expect(parseDateTime(written)?.getTime()).toBe(at.getTime());
      expect(offsetOfDateTime(written)).toBe(offset);
    }));
  });
});
