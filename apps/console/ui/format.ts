export function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : m > 0 ? `${m} min ${String(rest).padStart(2, '0')} s` : `${rest} s`;
}

/** Statuses in the operator's words (the seed's Carbis names beside ours). */
export const STATUS_LABELS: Record<string, string> = {
  ALL: 'All', AWAITING: 'Awaiting', CREATED: 'Created', ACCEPTED: 'Accepted', ON_WAY: 'On the way',
  ARCHIVED: 'Archived', DELETED: 'Rejected', CANCELLED: 'Cancelled',
};
