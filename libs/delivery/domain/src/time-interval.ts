import { InvalidTimeInterval } from './errors';
import { formatInZone, zonedDate, zonedInstant } from './time-zone';

/** What a valid `time_interval` means: seconds from midnight of the base date, and the window as instants. */
export interface ParsedTimeInterval {
  readonly timeIntervalSecs: readonly [number, number];
  readonly timeWindow: { readonly start: string; readonly end: string };
  /** Epoch milliseconds of the window, for the visit machine (delivery_time counts from the start). */
  readonly windowStartMs: number;
  readonly windowEndMs: number;
}

export interface IntervalContext {
  /** The depot's IANA zone (Track & Trace default Europe/Moscow). */
  readonly timeZone: string;
  /** The route date (YYYY-MM-DD); times without a date are read against it (D-YC-TW). */
  readonly baseDate?: string;
  /** "Now" from the command; its date in the zone is the base date when there is no route date. */
  readonly now: string;
}

export const MAX_DAY_SHIFT = 99;
const DAY = 86_400;

// T = [D.]HH[:MM[:SS]]; the two ends are joined by a hyphen or a dash, with or without spaces (S-YC, D-YC-TW).
const TIME = String.raw`(?:(\d{1,2})\.)?(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?`;
const RELATIVE = new RegExp(String.raw`^\s*${TIME}\s*[-\u2013\u2014]\s*${TIME}\s*$`);
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function timeOfDay(day: string | undefined, hour: string, minute: string | undefined, second: string | undefined): number {
  const [d, h, m, s] = [Number(day ?? 0), Number(hour), Number(minute ?? 0), Number(second ?? 0)];
  if (h > 23) throw new InvalidTimeInterval(`has hour ${h}; hours run 0-23 (use a day prefix such as 1.02:00 for the next day)`);
  if (m > 59 || s > 59) throw new InvalidTimeInterval('has minutes or seconds above 59');
  if (d > MAX_DAY_SHIFT) throw new InvalidTimeInterval(`has a day shift above ${MAX_DAY_SHIFT}`);
  return d * DAY + h * 3600 + m * 60 + s;
}

function isoInstant(text: string): number {
  const match = ISO_INSTANT.exec(text.trim());
  if (!match) throw new InvalidTimeInterval('has an ISO 8601 end without a full date, time and offset');
  const [, year, month, day, hour, minute, second = '0'] = match;
  // Date.parse rolls 31 February over into March; a round trip of the fields refuses it.
  const wall = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  const sameFields = wall.getUTCFullYear() === Number(year) && wall.getUTCMonth() === Number(month) - 1 && wall.getUTCDate() === Number(day)
    && wall.getUTCHours() === Number(hour) && wall.getUTCMinutes() === Number(minute) && wall.getUTCSeconds() === Number(second);
  const instant = Date.parse(text.trim());
  if (!sameFields || Number.isNaN(instant)) throw new InvalidTimeInterval('has an ISO 8601 end that is not a real date and time');
  return instant;
}

const baseDateOf = (context: IntervalContext): string => context.baseDate ?? zonedDate(Date.parse(context.now), context.timeZone);

/**
 * Parses `time_interval` as Track & Trace accepts it: `T-T` with T = [D.]HH[:MM[:SS]], or an ISO 8601 interval
 * `start/end` with offsets. The end must not be before the start (so `10:00-00:00` is refused: write `10:00-1.00:00`).
 */
export function parseTimeInterval(raw: string, context: IntervalContext): ParsedTimeInterval {
  if (typeof raw !== 'string' || raw.trim() === '') throw new InvalidTimeInterval('is empty');
  let startMs: number;
  let endMs: number;
  let secs: [number, number];
  const relative = RELATIVE.exec(raw);
  if (relative) {
    const [, d1, h1, m1, s1, d2, h2, m2, s2] = relative;
    secs = [timeOfDay(d1, h1, m1, s1), timeOfDay(d2, h2, m2, s2)];
    const baseDate = baseDateOf(context);
    if (secs[1] < secs[0]) throw new InvalidTimeInterval('ends before it starts; an end on the next day needs a day prefix (e.g. 10:00-1.00:00)');
    startMs = zonedInstant(baseDate, secs[0], context.timeZone);
    endMs = zonedInstant(baseDate, secs[1], context.timeZone);
  } else {
    const ends = raw.split('/');
    if (ends.length !== 2) throw new InvalidTimeInterval('is neither "T-T" (T = [D.]HH[:MM[:SS]]) nor an ISO 8601 interval "start/end"');
    [startMs, endMs] = [isoInstant(ends[0]), isoInstant(ends[1])];
    if (endMs < startMs) throw new InvalidTimeInterval('ends before it starts');
    // Without a route date, an interval that names its own date is read against that date in the depot's zone.
    const midnight = zonedInstant(context.baseDate ?? zonedDate(startMs, context.timeZone), 0, context.timeZone);
    secs = [Math.round((startMs - midnight) / 1000), Math.round((endMs - midnight) / 1000)];
  }
  return {
    timeIntervalSecs: secs,
    timeWindow: { start: formatInZone(startMs, context.timeZone), end: formatInZone(endMs, context.timeZone) },
    windowStartMs: startMs,
    windowEndMs: endMs,
  };
}
