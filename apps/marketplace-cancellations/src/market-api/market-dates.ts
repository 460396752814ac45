// Market's own date formats (DateDdMmYyyy "23-09-2022", DateDdMmYyyyHhMmSs "23-09-2022 09:12:41") carry no offset:
// they are Moscow time, UTC+3 all year since 2014. The API's date-time fields (ISO 8601) carry their own offset.
const MOSCOW_OFFSET_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** "23-09-2022" of an instant, in Moscow. */
export function marketDate(at: Date): string {
  const moscow = new Date(at.getTime() + MOSCOW_OFFSET_MS);
  return `${pad(moscow.getUTCDate())}-${pad(moscow.getUTCMonth() + 1)}-${moscow.getUTCFullYear()}`;
}

/** "23-09-2022 09:12:41" of an instant, in Moscow. */
export function marketDateTime(at: Date): string {
  const moscow = new Date(at.getTime() + MOSCOW_OFFSET_MS);
  return `${marketDate(at)} ${pad(moscow.getUTCHours())}:${pad(moscow.getUTCMinutes())}:${pad(moscow.getUTCSeconds())}`;
}

/** The instant of "23-09-2022 09:12:41" (or of midnight of "23-09-2022"), Moscow time; undefined if it is neither. */
export function instantOfMarketDate(text: string): Date | undefined {
  const match = /^(\d{2})-(\d{2})-(\d{4})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const [day, month, year, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  return new Date(utc - MOSCOW_OFFSET_MS);
}

/** Midnight in Moscow that starts the day named "2022-09-23" (what the query's `format: date` says) or "23-09-2022". */
export function moscowMidnight(text: string): Date | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return instantOfMarketDate(iso ? `${iso[3]}-${iso[2]}-${iso[1]}` : text);
}

export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);
export const daysBetween = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / DAY_MS;
