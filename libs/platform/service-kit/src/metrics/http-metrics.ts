import { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { registerMessagingMetrics } from '@orders/messaging';
import { ServiceConfig } from '../config/service-config';

/** The app's own metrics (`ServiceKitOptions.metrics`), served beside the kit's and the messaging library's. */
export const APP_METRICS = Symbol('APP_METRICS');

type RoutedRequest = IncomingMessage & { route?: { path?: string }; baseUrl?: string };

/**
 * One registry per application (not prom-client's global one), so two apps in one process, as in tests,
 * do not fight over metric names.
 */
@Injectable()
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(config: ServiceConfig, @Optional() @Inject(APP_METRICS) appMetrics: readonly Metric[] = []) {
    this.registry.setDefaultLabels({ service: config.service.name });
    collectDefaultMetrics({ register: this.registry });
    // Every service consumes or relays through the messaging library: its lag, dead letters and parked messages
    // belong on the service's own /metrics, not only in prom-client's default registry that nobody serves.
    registerMessagingMetrics(this.registry);
    // The app's business metrics live once per process (prom-client's default registry, as the messaging ones): the
    // same objects are registered here, so /metrics shows them with the service label.
    for (const metric of appMetrics) {
      if (!this.registry.getSingleMetric(nameOf(metric))) this.registry.registerMetric(metric);
    }
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template, method and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Express middleware: times every request, labelled by the route template, never the raw URL. */
  readonly middleware = (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const stop = this.duration.startTimer();
    res.once('finish', () => {
      // Unmatched paths share one label: raw URLs would make the label set unbounded. A wildcard template
      // is the catch-all that Nest mounts for module middleware (pino-http), not one of our routes.
      const template = req.route?.path;
      const route = template && !template.includes('*') ? `${req.baseUrl ?? ''}${template}` : 'unmatched';
      stop({ method: req.method ?? 'UNKNOWN', route, status_code: String(res.statusCode) });
    });
    next();
  };
}

const nameOf = (metric: Metric): string => (metric as unknown as { name: string }).name;
