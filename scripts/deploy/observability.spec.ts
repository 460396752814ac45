// deploy/observability cannot be loaded into a Prometheus here: this holds every rule and dashboard query to the
// metrics that exist today (exported-metrics.ts), so an alert cannot silently watch a metric nobody exports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render, type K8sObject } from './kustomize';
import { schemaProblems } from './k8s-schemas';
import { KAFKA_EXPORTER_METRICS, cnpgCustomMetrics, selectedMetrics, serviceMetrics } from './exported-metrics';
import { manifests } from './k8s-services';
import { root } from './service-manifests';

interface Rule {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Target {
  expr: string;
}
interface Panel {
  title: string;
  targets?: Target[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query?: unknown }[] };
}

const observability = render(join(root, 'deploy', 'observability'));
const platform = render(join(root, 'deploy', 'k8s', 'overlays', 'prod'));
const rules = observability
  .filter((o) => o.kind === 'PrometheusRule')
  .flatMap((o) => (o.spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
const dashboard = JSON.parse(
  readFileSync(join(root, 'deploy', 'observability', 'grafana-dashboard.json'), 'utf8'),
) as Dashboard;

const byService = new Map(manifests.map((m) => [m.name, serviceMetrics(m.dir)]));
const fromServices = new Set([...byService.values()].flatMap((names) => [...names]));
const kafka = platform.find((o) => o.kind === 'Kafka') as K8sObject & { spec: { kafkaExporter?: object } };
/** `up` is Prometheus' own series for every target the PodMonitor scrapes. */
const exported = new Set([
  ...fromServices,
  'up',
  ...(kafka.spec.kafkaExporter ? KAFKA_EXPORTER_METRICS : []),
  ...cnpgCustomMetrics(platform),
]);

/** Metric names in `exprs` that nothing exports, or that the service named in their matcher does not export. */
function unexported(exprs: string[]): string[] {
  return exprs.flatMap((expr) =>
    selectedMetrics(expr).flatMap(({ name, service }) => {
      if (!exported.has(name)) return [`${name} (in ${expr.trim()})`];
      if (service && !byService.get(service)?.has(name)) return [`${name} is not exported by ${service}`];
      return [];
    }),
  );
}

const dashboardExprs = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  // Grafana's label_values(metric, label): only the metric is PromQL.
  ...dashboard.templating.list.flatMap((v) =>
    typeof v.query === 'string' ? [/^label_values\((.*),\s*\w+\)$/.exec(v.query)?.[1] ?? v.query] : [],
  ),
].filter((expr) => expr !== 'prometheus');

describe('deploy/observability', () => {
  it('renders a PodMonitor and PrometheusRule that pass the prometheus-operator schemas', () => {
    expect(observability.map((o) => o.kind).sort()).toEqual(['PodMonitor', 'PrometheusRule']);
    expect(observability.flatMap(schemaProblems)).toEqual([]);
  });

  it('scrapes the service pods on the port and path the services serve, labelled as the services label themselves', () => {
    const monitor = observability.find((o) => o.kind === 'PodMonitor')?.spec as {
      selector: { matchLabels: Record<string, string> };
      podMetricsEndpoints: { port: string; path: string; relabelings: { targetLabel: string }[] }[];
    };
    const pods = platform
      .filter((o) => o.kind === 'Deployment')
      .map((d) => (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels);
    expect(pods).toHaveLength(manifests.length);
    for (const labels of pods) expect(labels).toMatchObject(monitor.selector.matchLabels);
    expect(monitor.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    expect(monitor.podMetricsEndpoints[0].relabelings.map((r) => r.targetLabel)).toContain('service');
    const kit = readFileSync(
      join(root, 'libs', 'platform', 'service-kit', 'src', 'metrics', 'http-metrics.ts'),
      'utf8',
    );
    expect(kit).toMatch(/setDefaultLabels\(\{ service: config\.service\.name \}\)/);
  });

  it('alerts on lag, dead letters, overdue timers, Market refusals and services down', () => {
    const alerts = rules.map((r) => r.alert);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'ConsumerLagGrowing',
        'DeadLettersArriving',
        'CancellationTimersOverdue',
        'MarketRefusals',
        'ServiceDown',
      ]),
    );
    for (const rule of rules) {
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
    }
  });

  it('names in its rules only metrics that are exported today', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(unexported(rules.map((r) => r.expr))).toEqual([]);
  });

  it('names in its dashboard only metrics that are exported today', () => {
    expect(dashboardExprs.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    expect(unexported(dashboardExprs)).toEqual([]);
  });

  it('would catch a metric nobody exports, and one the named service does not export', () => {
    expect(unexported(['sum(rate(orders_accepted_total[5m]))'])).toEqual([
      'orders_accepted_total (in sum(rate(orders_accepted_total[5m])))',
    ]);
    expect(unexported(['projector_lag_seconds{service="intake"}'])).toEqual([
      'projector_lag_seconds is not exported by intake',
    ]);
    expect(unexported(['messaging_consumer_lag{service="intake"}', 'projector_lag_seconds{service="projector"}'])).toEqual([]);
  });

  it('counts overdue timers with a query on the table the marketplace migrations create', () => {
    expect(cnpgCustomMetrics(platform).sort()).toEqual([
      'cnpg_marketplace_timers_oldest_overdue_seconds',
      'cnpg_marketplace_timers_overdue',
    ]);
    const migration = readFileSync(
      join(
        root,
        'apps',
        'marketplace-cancellations',
        'src',
        'migrations',
        '1767500000000-marketplace-cancellations.ts',
      ),
      'utf8',
    );
    expect(migration).toMatch(/CREATE TABLE cancellation_timers \([^)]*due_at timestamptz[^)]*state text/s);
  });
});
