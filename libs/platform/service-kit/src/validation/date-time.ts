import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

/**
 * Years a date-time field may name. Four-digit years keep every instant and the arithmetic done on it (deadlines,
 * windows of days) inside what RFC 3339, `Date#toISOString` and the contracts' `date-time` format all write the
 * same way; a century either side of now covers every order, delivery and payment time.
 */
export const MIN_DATE_TIME_YEAR = 1900;
export const MAX_DATE_TIME_YEAR = 2999;

// RFC 3339 section 5.6 date-time, upper-case T and Z only: what IsISO8601 also let through (week dates `2026-W01-1`,
// ordinal dates, comma fractions, six-digit years) made `new Date(...)` invalid and `toISOString()` throw later.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

// Day 0 of the next month is the last day of this one (years >= 100, where Date.UTC takes the year as written).
const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The instant an RFC 3339 date-time names, or undefined when the text is not one this platform can represent
 * exactly: each field in its range (no February 30th, no hour 24, no leap second 60, offsets within ±23:59), the
 * year within bounds, and `Date` reading the same instant back (fractions past milliseconds are truncated, as
 * `Date` does).
 */
export function parseDateTime(text: unknown): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [fraction = '', , sign, offsetHours = '0', offsetMinutes = '0'] = match.slice(7);
  if (year < MIN_DATE_TIME_YEAR || year > MAX_DATE_TIME_YEAR || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  const expected = Date.UTC(year, month - 1, day, hour, minute - offset, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const parsed = new Date(text);
  return parsed.getTime() === expected ? parsed : undefined;
}

export const isDateTime = (value: unknown): value is string => parseDateTime(value) !== undefined;

/** The offset an RFC 3339 date-time was written with, as written (`Z`, `+03:00`); undefined when it is not one. */
export function offsetOfDateTime(text: unknown): string | undefined {
  if (parseDateTime(text) === undefined) return undefined;
  return RFC3339.exec(text as string)?.[8];
}

const OFFSET = /^(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An instant written at an offset (`Z`, `+03:00`), RFC 3339, milliseconds only when there are some: a time a client
 * gave is answered as it was given (`2026-11-23T12:30:00+03:00`), not turned into UTC. Stores keep the instant and
 * the offset apart, so comparisons and contracts keep one form.
 */
export function dateTimeAtOffset(instant: string | Date, offset: string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const match = OFFSET.exec(offset);
  if (Number.isNaN(at.getTime()) || !match) throw new Error(`cannot write ${String(instant)} at offset ${offset}`);
  const minutes = match[1] === 'Z' ? 0 : (match[2] === '-' ? -1 : 1) * (Number(match[3]) * 60 + Number(match[4]));
  const local = new Date(at.getTime() + minutes * 60_000).toISOString().replace(/\.000Z$|Z$/, '');
  return `${local}${offset}`;
}

/**
 * A DTO date-time field: RFC 3339 (`2026-03-02T11:20:00+03:00`) that `parseDateTime` accepts. The one date
 * validator of every service, instead of IsISO8601 / IsDateString. A sharper per-field code goes in `context`.
 */
export function IsDateTime(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isDateTime',
    validator: {
      validate: (value) => isDateTime(value),
      defaultMessage: buildMessage(
        (each) => `${each}$property must be an RFC 3339 date-time such as 2026-03-02T11:20:00+03:00, years ${MIN_DATE_TIME_YEAR} to ${MAX_DATE_TIME_YEAR}`,
        validationOptions,
      ),
    },
  }, validationOptions);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` (a route's day, say) that exists, within the same years as date-times. */
export function isCalendarDate(text: unknown): text is string {
  const match = typeof text === 'string' ? CALENDAR_DATE.exec(text) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  return year >= MIN_DATE_TIME_YEAR && year <= MAX_DATE_TIME_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

export function IsCalendarDate(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value) => isCalendarDate(value),
      defaultMessage: buildMessage((each) => `${each}$property must be a calendar date such as 2026-03-02`, validationOptions),
    },
  }, validationOptions);
}
