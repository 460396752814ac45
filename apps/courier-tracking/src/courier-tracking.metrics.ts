import type { RecordedEvent } from '@orders/event-store';
import { processMetric } from '@orders/service-kit';
import { Counter, type Metric } from 'prom-client';

// courier-tracking's business counters, counted from the events a command appended. Served on /metrics through
// ServiceKitModule's `metrics`.

export const deliveriesFinished = processMetric('courier_deliveries_finished_total', () => new Counter({
  name: 'courier_deliveries_finished_total',
  help: 'Deliveries finished: automatically (marked delivered from the courier\'s positions) or manually (app, API), by final status',
  labelNames: ['mode', 'status'],
}));

export const COURIER_METRICS: readonly Metric[] = [deliveriesFinished];

/**
 * Counts what a command appended. "Automatic" is the rule the public DeliveryFinished event states: the positions
 * detector finishes a delivery as initiator `yandex`; an operator or courier does it as `app` or `user_api`.
 */
export function countDeliveryEvents(events: readonly RecordedEvent[]): void {
  for (const event of events) {
    if (event.type !== 'DeliveryStatusChanged') continue;
    const { to, initiator } = event.data as { to?: string; initiator?: string };
    if (to === 'finished' || to === 'partially_finished') {
      deliveriesFinished.inc({ mode: initiator === 'yandex' ? 'automatic' : 'manual', status: to });
    }
  }
}
