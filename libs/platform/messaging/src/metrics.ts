import { Counter, Gauge, Histogram, register, type Metric, type Registry } from 'prom-client';

// Metrics live in prom-client's default registry, created once per process however many relays and consumers run
// (a second registration under the same name would throw). Each service also serves them from its own /metrics
// registry: registerMessagingMetrics adds every one of them there.

const all: Metric[] = [];

function once<M extends Metric>(name: string, make: () => M): M {
  const metric = (register.getSingleMetric(name) as M | undefined) ?? make();
  all.push(metric);
  return metric;
}

/**
 * Adds the messaging metrics to a registry (a service's /metrics one); idempotent, and harmless for the default
 * registry, where they already are. The same metric objects: both registries show the same counts.
 */
export function registerMessagingMetrics(registry: Registry): void {
  for (const metric of all) {
    const { name } = metric as unknown as { name: string };
    if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
  }
}

export const consumerLag = once('messaging_consumer_lag', () => new Gauge({
  name: 'messaging_consumer_lag', help: 'Messages behind the partition high watermark after the last handled one',
  labelNames: ['group', 'topic', 'partition'],
}));

export const handled = once('messaging_handled_total', () => new Counter({
  name: 'messaging_handled_total', help: 'Messages whose effect committed', labelNames: ['group', 'topic', 'type'],
}));

export const duplicates = once('messaging_duplicates_total', () => new Counter({
  name: 'messaging_duplicates_total', help: 'Redeliveries dropped by the inbox', labelNames: ['group', 'topic'],
}));

export const skipped = once('messaging_skipped_total', () => new Counter({
  name: 'messaging_skipped_total', help: 'Messages of types this group does not handle', labelNames: ['group', 'topic'],
}));

export const retried = once('messaging_retried_total', () => new Counter({
  name: 'messaging_retried_total', help: 'Handler attempts that failed and were retried', labelNames: ['group', 'topic'],
}));

export const deadLettered = once('messaging_dead_lettered_total', () => new Counter({
  name: 'messaging_dead_lettered_total', help: 'Messages sent to the dead-letter topic', labelNames: ['group', 'topic', 'classification'],
}));

export const parked = once('messaging_parked_total', () => new Counter({
  name: 'messaging_parked_total', help: 'Messages of a type or version this consumer does not know, parked in the dead-letter topic',
  labelNames: ['group', 'topic', 'reason'],
}));

export const handlerDuration = once('messaging_handler_duration_seconds', () => new Histogram({
  name: 'messaging_handler_duration_seconds', help: 'Inbox transaction time per message, handler included',
  labelNames: ['group', 'topic'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
}));

export const relayPublished = once('messaging_relay_published_total', () => new Counter({
  name: 'messaging_relay_published_total', help: 'Messages the relay published and the broker acknowledged', labelNames: ['relay', 'topic'],
}));

/** Age of the oldest event the relay has not published yet, per relay; each relay registers how to measure it. */
const relayLagProbes = new Map<string, () => Promise<number>>();

export const relayLag = once('messaging_relay_lag_seconds', () => new Gauge({
  name: 'messaging_relay_lag_seconds', help: 'Age of the oldest event not yet published (0 when caught up)', labelNames: ['relay'],
  async collect() {
    for (const [relay, probe] of relayLagProbes) {
      this.set({ relay }, await probe().catch(() => Number.NaN));
    }
  },
}));

export function registerRelayLagProbe(relay: string, probe: () => Promise<number>): () => void {
  relayLagProbes.set(relay, probe);
  return () => {
    if (relayLagProbes.get(relay) === probe) relayLagProbes.delete(relay);
    relayLag.remove({ relay });
  };
}

export const inboxPruned = once('messaging_inbox_pruned_total', () => new Counter({
  name: 'messaging_inbox_pruned_total', help: 'Inbox rows deleted after their retention ("*": a run over every group)', labelNames: ['group'],
}));
