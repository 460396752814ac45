import { InvalidTimeZone } from './errors';

// Wall-clock arithmetic in IANA zones through Intl only: no clock is read, so the functions stay pure.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
    } catch {
      throw new InvalidTimeZone(zone);
    }
    formatters.set(zone, found);
  }
  return found;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

function wallClock(epochMs: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** The zone's offset from UTC at an instant, in minutes (Moscow: +180). */
export function zoneOffsetMinutes(epochMs: number, zone: string): number {
  const wall = wallClock(epochMs, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** The instant at which a wall clock in the zone shows `date` (YYYY-MM-DD) plus `seconds` from midnight. */
export function zonedInstant(date: string, seconds: number, zone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  const naive = Date.UTC(year, month - 1, day) + seconds * 1000;
  // Two passes settle the offset across a DST change; a wall time skipped by the change lands after it.
  const first = naive - zoneOffsetMinutes(naive, zone) * 60_000;
  return naive - zoneOffsetMinutes(first, zone) * 60_000;
}

/** The calendar date (YYYY-MM-DD) the zone shows at an instant. */
export function zonedDate(epochMs: number, zone: string): string {
  const wall = wallClock(epochMs, zone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2019-05-27T17:18:52+03:00. */
export function formatInZone(epochMs: number, zone: string): string {
  const offset = zoneOffsetMinutes(epochMs, zone);
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
