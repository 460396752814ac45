import { Counter, Gauge, register, type Metric, type Registry } from 'prom-client';

// In prom-client's default registry, created once per process; the service also registers them in its own
// /metrics registry (service-kit keeps one per app).

function once<M extends Metric>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}

export const projectionLag = once('projector_lag_seconds', () => new Gauge({
  name: 'projector_lag_seconds', help: 'Seconds from an event occurring at its source to its effect on the read models (last event per topic)',
  labelNames: ['topic'],
}));

export const eventsApplied = once('projector_events_applied_total', () => new Counter({
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
export const rebuildProgress = once('projector_rebuild_progress_ratio', () => new Gauge({
  name: 'projector_rebuild_progress_ratio', help: 'Share of the journal a running rebuild has folded (0..1)', labelNames: ['projection', 'version'],
  async collect() { await collectRebuilds(this, (row) => (row.total > 0 ? Math.min(1, row.processed / row.total) : 0)); },
}));

export const rebuildProcessed = once('projector_rebuild_processed_events', () => new Gauge({
  name: 'projector_rebuild_processed_events', help: 'Events a running rebuild has folded', labelNames: ['projection', 'version'],
  async collect() { await collectRebuilds(this, (row) => row.processed); },
}));

export const rebuildEta = once('projector_rebuild_eta_seconds', () => new Gauge({
  name: 'projector_rebuild_eta_seconds', help: 'Estimated seconds until a running rebuild switches over', labelNames: ['projection', 'version'],
  async collect() { await collectRebuilds(this, (row) => row.etaSeconds); },
}));

export const PROJECTOR_METRICS: readonly Metric[] = [projectionLag, eventsApplied, rebuildProgress, rebuildProcessed, rebuildEta];

/**
 * Adds the projector's metrics, and the messaging library's (consumer lag, dead letters...), to another registry:
 * the service's /metrics, which service-kit keeps apart from prom-client's default one. Idempotent.
 */
export function registerProjectorMetrics(registry: Registry): void {
  const messaging = (register.getMetricsAsArray() as unknown as Metric[]).filter((metric) => (metric as unknown as { name: string }).name.startsWith('messaging_'));
  for (const metric of [...PROJECTOR_METRICS, ...messaging]) {
    const name = (metric as unknown as { name: string }).name;
    if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
  }
}
