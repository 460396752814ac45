import { createInterface } from 'node:readline/promises';

/** Where a command writes: tables for people, one JSON document for scripts (`--json`). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A progress line that replaces the previous one (stderr, so `--json` output stays clean); optional. */
  progress?(text: string): void;
  /** Asks a yes/no question; present only when a person can answer (stdin is a terminal). */
  confirm?(question: string): Promise<boolean>;
}

async function ask(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // On a terminal the bar redraws in place; in a log, each update is a line.
  progress: (text) => process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${text}` : `${text}\n`),
  ...(process.stdin.isTTY ? { confirm: ask } : {}),
};

/** `[#######-------------]  35%  3500/10000  ETA 12s`: a bar for people watching a long operation. */
export function progressBar(done: number, total: number, suffix = '', width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${done}/${total}${suffix ? `  ${suffix}` : ''}`;
}

export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'ETA ?';
  if (seconds < 60) return `ETA ${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `ETA ${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`
    : `ETA ${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function renderTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
