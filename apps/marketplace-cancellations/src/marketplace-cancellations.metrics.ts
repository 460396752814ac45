import type { RecordedEvent } from '@orders/event-store';
import { processMetric } from '@orders/service-kit';
import { Counter, Gauge, type Metric } from 'prom-client';

// The service's metrics in one module, served on /metrics through ServiceKitModule's `metrics`: counted where the
// work happens (the command class, the timers, the Market API's limits, the pruner), read here.

export const cancellationRequestsDecided = processMetric('marketplace_cancellation_requests_decided_total', () => new Counter({
  name: 'marketplace_cancellation_requests_decided_total',
  help: 'Buyer cancellation requests decided: accepted or rejected (by the shop or a policy), or expired (accepted by the deadline)',
  labelNames: ['decision'],
}));

/** How the gauge below counts at scrape time; the running service registers one probe (CancellationMetrics). */
let pendingProbe: (() => Promise<number>) | undefined;

export function setPendingRequestsProbe(probe: (() => Promise<number>) | undefined): void {
  pendingProbe = probe;
}

// Read from the read model at scrape time, not kept in memory: every instance reports the same count (max() it).
export const cancellationRequestsPending = processMetric('marketplace_cancellation_requests_pending', () => new Gauge({
  name: 'marketplace_cancellation_requests_pending',
  help: 'Buyer cancellation requests waiting for a decision (read model; the same value on every instance)',
  async collect() {
    if (pendingProbe) this.set(await pendingProbe().catch(() => Number.NaN));
  },
}));

export const timersFired = processMetric('marketplace_timers_fired_total', () => new Counter({
  name: 'marketplace_timers_fired_total', help: 'Cancellation deadlines fired by the timer worker',
}));

/** A minute, as the overdue-timers query of the database monitoring counts lateness. */
export const TIMER_LATE_AFTER_MS = 60_000;

export const timersFiredLate = processMetric('marketplace_timers_fired_late_total', () => new Counter({
  name: 'marketplace_timers_fired_late_total', help: 'Cancellation deadlines fired more than a minute after they were due',
}));

export const marketCalls = processMetric('market_calls_total', () => new Counter({
  name: 'market_calls_total',
  help: 'Calls of the Market-compatible API by outcome: ok, limited (420, a campaign limit), refused (4xx), failed (5xx)',
  labelNames: ['call', 'outcome'],
}));

export const parkedDeliveriesPruned = processMetric('marketplace_parked_deliveries_pruned_total', () => new Counter({
  name: 'marketplace_parked_deliveries_pruned_total',
  help: 'market_order_ids rows of parked deliveries no Market order claimed within the retention',
}));

export const MARKETPLACE_METRICS: readonly Metric[] = [
  cancellationRequestsDecided, cancellationRequestsPending, timersFired, timersFiredLate, marketCalls, parkedDeliveriesPruned,
];

const DECISIONS: Readonly<Record<string, string>> = {
  CancellationAccepted: 'accepted', CancellationRejected: 'rejected', CancellationAutoAccepted: 'expired',
};

/** Counts the decisions a command appended (an idempotent retry appends nothing and counts nothing). */
export function countCancellationEvents(events: readonly RecordedEvent[]): void {
  for (const event of events) {
    const decision = DECISIONS[event.type];
    if (decision) cancellationRequestsDecided.inc({ decision });
  }
}
