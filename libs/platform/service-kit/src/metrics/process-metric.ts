import { register, type Metric } from 'prom-client';

/**
 * A metric made once per process, in prom-client's default registry (which refuses a second metric of a name): the
 * same object however many apps a process boots (specs boot several) or modules load it. `ServiceKitOptions.metrics`
 * then serves it on the app's /metrics.
 */
export function processMetric<M extends Metric>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}
