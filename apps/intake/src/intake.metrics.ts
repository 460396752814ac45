import type { RecordedEvent } from '@orders/event-store';
import { processMetric } from '@orders/service-kit';
import { Counter, type Metric } from 'prom-client';

// Intake's business counters, counted from the events a command appended (a repeated submission or an idempotent
// retry appends nothing, so it counts nothing). Served on /metrics through ServiceKitModule's `metrics`.

export const ordersReceived = processMetric('intake_orders_received_total', () => new Counter({
  name: 'intake_orders_received_total', help: 'External orders received (first submission of each order, HTTP or Kafka)',
}));

export const ordersAccepted = processMetric('intake_orders_accepted_total', () => new Counter({
  name: 'intake_orders_accepted_total', help: 'External orders an operator accepted',
}));

export const ordersRejected = processMetric('intake_orders_rejected_total', () => new Counter({
  name: 'intake_orders_rejected_total', help: 'External orders an operator rejected, by reason code', labelNames: ['reason'],
}));

export const INTAKE_METRICS: readonly Metric[] = [ordersReceived, ordersAccepted, ordersRejected];

/** Counts what a command appended. A consumer's transaction that rolls back afterwards is counted again on its retry. */
export function countOrderEvents(events: readonly RecordedEvent[]): void {
  for (const event of events) {
    if (event.type === 'ExternalOrderReceived') ordersReceived.inc();
    else if (event.type === 'ExternalOrderAccepted') ordersAccepted.inc();
    else if (event.type === 'ExternalOrderRejected') ordersRejected.inc({ reason: String((event.data as { reasonCode?: string }).reasonCode) });
  }
}
