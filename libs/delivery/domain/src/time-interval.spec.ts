import fc from 'fast-check';
import { IntervalContext, parseTimeInterval } from './time-interval';

const moscow = { timeZone: 'Europe/Moscow', baseDate: '2018-09-06', now: '2018-09-06T05:00:00Z' };
const parse = (raw: string, context: IntervalContext = moscow) => parseTimeInterval(raw, context);
const refuses = (raw: string) =>
  expect(() => parse(raw)).toThrow(expect.objectContaining({ code: 'INVALID_TIME_INTERVAL', field: 'time_interval' }));

describe('time_interval parser', () => {
  it.each([
    ['11-12', [39600, 43200]],
    ['11 - 12', [39600, 43200]],
    ['9-12', [32400, 43200]],
    ['10:30-12:45', [37800, 45900]],
    ['10:30:15 - 12:45:30', [37815, 45930]],
    ['  08:00-08:00 ', [28800, 28800]],
    ['09:00 - 1.01:00', [32400, 90000]],
    ['10:00-1.00:00', [36000, 86400]],
    ['07:00:00\u20131.03:00:00', [25200, 97200]],
    ['1.02-1.03', [93600, 97200]],
    ['00-23:59:59', [0, 86399]],
  ])('reads %j as seconds from midnight %j', (raw, secs) => {
    expect(parse(raw).timeIntervalSecs).toEqual(secs);
  });

  it('places the window on the route date in the depot time zone', () => {
    expect(parse('11-12').timeWindow).toEqual({ start: '2018-09-06T11:00:00+03:00', end: '2018-09-06T12:00:00+03:00' });
    expect(parse('23:30-1.00:30').timeWindow).toEqual({
      start: '2018-09-06T23:30:00+03:00',
      end: '2018-09-07T00:30:00+03:00',
    });
    const berlin = parse('11-12', { timeZone: 'Europe/Berlin', baseDate: '2018-09-06', now: moscow.now });
    expect(berlin.timeWindow.start).toBe('2018-09-06T11:00:00+02:00');
    expect(berlin.windowStartMs).toBe(Date.parse('2018-09-06T09:00:00Z'));
  });

  it('uses the date of "now" in the depot zone when there is no route date', () => {
    const late = parse('11-12', { timeZone: 'Asia/Vladivostok', now: '2018-09-06T20:00:00Z' });
    expect(late.timeWindow.start).toBe('2018-09-07T11:00:00+10:00');
  });

  it('follows a DST change in the zone', () => {
    const beforeSwitch = parse('01-05', { timeZone: 'Europe/Berlin', baseDate: '2025-03-30', now: moscow.now });
    expect(beforeSwitch.timeWindow).toEqual({ start: '2025-03-30T01:00:00+01:00', end: '2025-03-30T05:00:00+02:00' });
  });

  it('accepts an ISO 8601 interval with offsets', () => {
    const parsed = parse('2018-09-06T10:15:00+03:00/2018-09-06T12:45:00+03:00');
    expect(parsed.timeIntervalSecs).toEqual([36900, 45900]);
    expect(parsed.timeWindow).toEqual({ start: '2018-09-06T10:15:00+03:00', end: '2018-09-06T12:45:00+03:00' });
    expect(parse('2018-09-06T07:15:00Z/2018-09-06T09:45:00.000Z').timeIntervalSecs).toEqual([36900, 45900]);
    expect(parse('2018-09-06T10:15+0300/2018-09-07T10:15+0300').timeIntervalSecs).toEqual([36900, 36900 + 86400]);
  });

  it('reads an ISO interval against its own date when there is no route date', () => {
    const own = parse('2018-09-08T10:00:00+03:00/2018-09-08T11:00:00+03:00', {
      timeZone: 'Europe/Moscow',
      now: moscow.now,
    });
    expect(own.timeIntervalSecs).toEqual([36000, 39600]);
  });

  it.each([
    '10:00-00:00',
    '07:00-03:00',
    '12-11',
    '24-25',
    '10:60-11:00',
    '10:00:61-11:00',
    '10-',
    '-10',
    '10',
    '',
    '   ',
    'noon-1pm',
    '10:0-11:00',
    '10::00-11',
    '100.10-100.11',
    '10-11-12',
    'a/b',
    '2018-09-06T10:15:00/2018-09-06T12:45:00',
    '2018-09-06T12:45:00+03:00/2018-09-06T10:15:00+03:00',
    '2018-02-30T10:00:00Z/2018-03-01T10:00:00Z',
    '2018-09-06T10:00:00Z/',
  ])('refuses %j with INVALID_TIME_INTERVAL', (raw) => refuses(raw));

  it('refuses an unknown time zone', () => {
    expect(() => parse('11-12', { ...moscow, timeZone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_ZONE' }),
    );
  });
});

describe('time_interval parser properties', () => {
  const time = fc.record({
    d: fc.integer({ min: 0, max: 3 }),
    h: fc.integer({ min: 0, max: 23 }),
    m: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
  });
  const secondsOf = (t: { d: number; h: number; m: number; s: number }) => t.d * 86400 + t.h * 3600 + t.m * 60 + t.s;
  const two = (n: number) => String(n).padStart(2, '0');
  const render = (t: { d: number; h: number; m: number; s: number }, form: number) =>
    `${t.d > 0 ? `${t.d}.` : ''}${two(t.h)}${form >= 1 ? `:${two(t.m)}` : ''}${form >= 2 ? `:${two(t.s)}` : ''}`;
  const truncate = (t: { d: number; h: number; m: number; s: number }, form: number) => ({
    ...t,
    m: form >= 1 ? t.m : 0,
    s: form >= 2 ? t.s : 0,
  });
  const spaces = fc.constantFrom('', ' ', '  ');

  it('accepts exactly the intervals whose end is not before the start, in every written form', () => {
    fc.assert(
      fc.property(
        time,
        time,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        spaces,
        spaces,
        (a, b, fa, fb, left, right) => {
          const raw = `${render(a, fa)}${left}-${right}${render(b, fb)}`;
          const [start, end] = [secondsOf(truncate(a, fa)), secondsOf(truncate(b, fb))];
          if (end < start) {
            expect(() => parse(raw)).toThrow(expect.objectContaining({ code: 'INVALID_TIME_INTERVAL' }));
          } else {
            const parsed = parse(raw);
            expect(parsed.timeIntervalSecs).toEqual([start, end]);
            expect(parsed.windowEndMs - parsed.windowStartMs).toBe((end - start) * 1000);
          }
        },
      ),
    );
  });

  it('gives an ISO interval the same seconds as its wall-clock form in the same zone', () => {
    fc.assert(
      fc.property(time, fc.integer({ min: 0, max: 3600 * 5 }), (a, length) => {
        const start = secondsOf({ ...a, d: 0 });
        const relative = parse(
          `${render({ ...a, d: 0 }, 2)}-${Math.floor((start + length) / 86400)}.${render({ d: 0, h: Math.floor(((start + length) % 86400) / 3600), m: Math.floor(((start + length) % 3600) / 60), s: (start + length) % 60 }, 2)}`,
        );
        const iso = parse(`${relative.timeWindow.start}/${relative.timeWindow.end}`);
        expect(iso.timeIntervalSecs).toEqual(relative.timeIntervalSecs);
        expect(iso.timeWindow).toEqual(relative.timeWindow);
      }),
    );
  });

  it('never throws anything but a domain error on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        try {
          const parsed = parse(raw);
          expect(parsed.timeIntervalSecs[1]).toBeGreaterThanOrEqual(parsed.timeIntervalSecs[0]);
        } catch (error) {
          expect(error).toMatchObject({ code: 'INVALID_TIME_INTERVAL' });
        }
      }),
    );
  });
});
