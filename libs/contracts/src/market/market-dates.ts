// Market writes its own order dates as `dd-MM-yyyy HH:mm:ss` and `dd-MM-yyyy`, in Moscow time (UTC+3, no daylight
// saving since 2014); notifications carry ISO-8601 instants. The simulator writes both as Market does.

const MOSCOW_OFFSET_MS = 3 * 3_600_000;
const two = (n: number): string => String(n).padStart(2, '0');

function moscow(instant: Date): Date {
  return new Date(instant.getTime() + MOSCOW_OFFSET_MS);
}

/** `dd-MM-yyyy HH:mm:ss`, Moscow time (Market's DateDdMmYyyyHhMmSs). */
export function marketDateTime(instant: Date): string {
  const m = moscow(instant);
  return `${marketDate(instant)} ${two(m.getUTCHours())}:${two(m.getUTCMinutes())}:${two(m.getUTCSeconds())}`;
}

/** `dd-MM-yyyy`, Moscow time (Market's DateDdMmYyyy). */
export function marketDate(instant: Date): string {
  const m = moscow(instant);
  return `${two(m.getUTCDate())}-${two(m.getUTCMonth() + 1)}-${m.getUTCFullYear()}`;
}

/** The instant of a `dd-MM-yyyy HH:mm:ss` Moscow time, as ISO-8601 with its offset; undefined when malformed. */
export function instantOfMarketDateTime(text: string): string | undefined {
  const m = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return m ? `${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}+03:00` : undefined;
}

/** RFC 822 date (Market's X-RateLimit-Resource-Until). */
export const rfc822 = (instant: Date): string => instant.toUTCString();
