import { instantOfMarketDateTime } from '@orders/contracts';

// Day arithmetic for Market's date filters. Market's days are Moscow's (its dates carry no offset; the writing and
// reading of its formats is @orders/contracts' market-dates).
const DAY_MS = 86_400_000;

/** Midnight in Moscow that starts the day named "2026-03-01" (the query's `format: date`) or "01-03-2026". */
export function moscowMidnight(text: string): Date | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const instant = instantOfMarketDateTime(`${iso ? `${iso[3]}-${iso[2]}-${iso[1]}` : text} 00:00:00`);
  return instant === undefined ? undefined : new Date(instant);
}

export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);
export const daysBetween = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / DAY_MS;
