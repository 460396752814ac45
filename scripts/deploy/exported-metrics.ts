// The metric names each service's /metrics exports today, read from the code (prom-client declarations), and the
// names the infrastructure declared in deploy/ exports. The observability spec holds the rules and the dashboard to
// them, so a renamed or never-registered metric fails there instead of leaving an alert that can never fire.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import { parse } from 'yaml';
import type { K8sObject } from './kustomize';
import { root } from './service-manifests';

export interface Declared { readonly name: string; readonly type: string; readonly file: string }

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'test' ? [] : sources(path);
    return /\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) ? [path] : [];
  });
}

/** `new Counter({ name: 'x', ...`: every prom-client metric declared in non-test source under `dir`. */
export function declaredMetrics(dir: string): Declared[] {
  return sources(dir).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)]
      .map((m) => ({ type: m[1], name: m[2], file: relative(root, file) }));
  });
}

/** Histograms and summaries are exported as their series: _bucket (histograms only), _sum and _count. */
function series(name: string, type: string): string[] {
  if (type === 'Histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'Summary') return [`${name}_sum`, `${name}_count`];
  return [name];
}

/** prom-client's default metrics, as service-kit registers them in every app's registry (nothing is collected). */
export function defaultMetrics(): string[] {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry.getMetricsAsArray().flatMap((metric) => {
    const name = (metric as unknown as { name: string }).name;
    return series(name, metric instanceof Histogram ? 'Histogram' : metric instanceof Summary ? 'Summary' : 'Gauge');
  });
}

/**
 * Per service: the defaults, the kit's HTTP histogram, the messaging library's (the kit's registry serves them in
 * every service: http-metrics.ts registers them), and the metrics declared in the app's own source, which it hands
 * the kit (ServiceKitModule's `metrics`).
 */
export function serviceMetrics(dir: string): Set<string> {
  const kit = declaredMetrics(join(root, 'libs', 'platform', 'service-kit', 'src'));
  const app = declaredMetrics(join(root, 'apps', dir, 'src'));
  const messaging = declaredMetrics(join(root, 'libs', 'platform', 'messaging', 'src'));
  return new Set([...defaultMetrics(), ...[...kit, ...app, ...messaging].flatMap((d) => series(d.name, d.type))]);
}

/** Strimzi's Kafka exporter (kafka_exporter): the series the rules may use, when the Kafka resource enables it. */
export const KAFKA_EXPORTER_METRICS = [
  'kafka_consumergroup_lag', 'kafka_consumergroup_current_offset', 'kafka_consumergroup_members',
  'kafka_topic_partition_current_offset', 'kafka_topic_partition_oldest_offset', 'kafka_topic_partitions', 'kafka_brokers',
];

/** CloudNativePG publishes a custom query's columns as cnpg_<query>_<column>. */
export function cnpgCustomMetrics(objects: K8sObject[]): string[] {
  const referenced = objects.filter((o) => o.kind === 'Cluster').flatMap((o) =>
    ((o.spec as { monitoring?: { customQueriesConfigMap?: { name: string; key: string }[] } }).monitoring?.customQueriesConfigMap ?? []));
  return referenced.flatMap(({ name, key }) => {
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as { data?: Record<string, string> } | undefined;
    const queries = parse(configMap?.data?.[key] ?? '') as Record<string, { metrics: Record<string, { usage: string }>[] }> | null;
    return Object.entries(queries ?? {}).flatMap(([query, { metrics }]) => metrics.flatMap((m) => Object.entries(m)
      .filter(([, column]) => column.usage !== 'LABEL').map(([column]) => `cnpg_${query}_${column}`)));
  });
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan',
  'sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values']);

/** The metrics a PromQL expression selects, each with the `service` its matcher names, if any. */
export function selectedMetrics(expr: string): { name: string; service?: string }[] {
  const found: { name: string; service?: string }[] = [];
  const text = expr
    .replace(/\[[^\]]*\]/g, ' ')
    // name{matchers} and {matchers}: recorded, then out of the way of the identifiers below.
    .replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g, (_, name: string | undefined, matchers: string) => {
      const named = name ?? /__name__\s*=\s*"([^"]+)"/.exec(matchers)?.[1];
      if (named && !KEYWORDS.has(named)) found.push({ name: named, service: /\bservice\s*=\s*"([^"]+)"/.exec(matchers)?.[1] });
      return named && KEYWORDS.has(named) ? ` ${named} ` : ' ';
    })
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/"[^"]*"/g, ' ');
  for (const m of text.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    // Identifiers glued to a number (1e3) and function names are not metrics.
    if (call || KEYWORDS.has(name) || /[0-9.]$/.test(text.slice(0, m.index))) continue;
    found.push({ name });
  }
  return found;
}
