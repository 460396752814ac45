import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** One measured figure: ours against a raw baseline measured in the same run. */
export interface Metric {
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  baseline_name: string;
  /** ours / baseline: read it with the unit (a throughput wants it high, a latency low). */
  ratio: number;
  goal?: string;
  notes?: string;
}

export interface Machine {
  cpus: number;
  node: string;
  postgres: string;
  kafka: string;
}

export function metric(name: string, unit: string, ours: number, baseline: number, baselineName: string, extra: Partial<Metric> = {}): Metric {
  return { name, unit, ours: round(ours), baseline: round(baseline), baseline_name: baselineName, ratio: round(ours / baseline, 3), ...extra };
}

export function machine(postgres: string, kafka: string): Machine {
  return { cpus: cpus().length, node: process.version, postgres, kafka };
}

/** Writes bench/results/<suite>.json and prints the same figures as a table. */
export function report(suite: string, host: Machine, metrics: Metric[]): void {
  const result = { suite, at: new Date().toISOString(), machine: host, metrics };
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify(result, null, 2) + '\n');
  console.log(`\n${suite} on ${host.cpus} cpus, node ${host.node}, ${host.postgres}, kafka ${host.kafka}`);
  console.log(table(metrics));
}

export function table(metrics: Metric[]): string {
  const header = ['metric', 'unit', 'ours', 'baseline', 'baseline name', 'ratio', 'goal'];
  const rows = metrics.map((m) => [m.name, m.unit, String(m.ours), String(m.baseline), m.baseline_name, String(m.ratio), m.goal ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
