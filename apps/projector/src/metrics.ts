import { processMetric } from '@orders/service-kit';
import { Counter, Gauge, type Metric } from 'prom-client';

// Created once per process; served on the service's /metrics through ServiceKitModule's `metrics` (beside the
// messaging library's consumer lag, dead letters and relay lag, which the kit serves for every service).

export const projectionLag = processMetric('projector_lag_seconds', () => new Gauge({
  name: 'projector_lag_seconds', help: 'Seconds from an event occurring at its source to its effect on the read models (last event per topic)',
  labelNames: ['topic'],
}));

export const eventsApplied = processMetric('projector_events_applied_total', () => new Counter({
  name: 'projector_events_applied_total', help: 'Integration events folded into the read models', labelNames: ['topic', 'type'],
}));

export interface RebuildProgressRow {
  projection: string;
  version: number;
  processed: number;
  total: number;
  etaSeconds: number | null;
}

/** How the gauges below read the rebuilds table at scrape time; the running service registers one probe. */
let rebuildProbe: (() => Promise<RebuildProgressRow[]>) | undefined;

export function setRebuildProbe(probe: (() => Promise<RebuildProgressRow[]>) | undefined): void {
  rebuildProbe = probe;
}

async function collectRebuilds(gauge: Gauge, value: (row: RebuildProgressRow) => number | null): Promise<void> {
  gauge.reset();
  const rows = await rebuildProbe?.().catch(() => []) ?? [];
  for (const row of rows) {
    const v = value(row);
    if (v !== null) gauge.set({ projection: row.projection, version: String(row.version) }, v);
  }
}

// Read from the database, not from process memory: a rebuild usually runs in the ops CLI, another process.
export const rebuildProgress = processMetric('projector_rebuild_progress_ratio', () => new Gauge({
  name: 'projector_rebuild_progress_ratio', help: 'Share of the journal a running rebuild has folded (0..1)', labelNames: ['projection', 'version'],
  async collect() { await collectRebuilds(this, (row) => (row.total > 0 ? Math.min(1, row.processed / row.total) : 0)); },
}));

export const rebuildProcessed = processMetric('projector_rebuild_processed_events', () => new Gauge({
  name: 'projector_rebuild_processed_events', help: 'Events a running rebuild has folded', labelNames: ['projection', 'version'],
  async collect() { await collectRebuilds(this, (row) => row.processed); },
}));

export const rebuildEta = processMetric('projector_rebuild_eta_seconds', () => new Gauge({
  name: 'projector_rebuild_eta_seconds', help: 'Estimated seconds until a running rebuild switches over', labelNames: ['projection', 'version'],
  async collect() { await collectRebuilds(this, (row) => row.etaSeconds); },
}));

export const PROJECTOR_METRICS: readonly Metric[] = [projectionLag, eventsApplied, rebuildProgress, rebuildProcessed, rebuildEta];
