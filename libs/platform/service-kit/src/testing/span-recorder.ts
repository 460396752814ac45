import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  AlwaysOnSampler,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../telemetry/tracing';

export interface SpanRecorder {
  /** Every span ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  reset(): void;
  /** Unregisters the SDK (once every app that shares it has stopped too). */
  stop(): Promise<void>;
}

/**
 * Tracing on for this process, every span kept in memory (no exporter, no network): start it before booting the
 * apps, so the kit installs its request spans. Apps booted without OTEL_* share it.
 */
export function recordSpans(): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const stop = startTracing({
    resource: { 'service.name': 'spec' },
    sampler: new AlwaysOnSampler(),
    processor: new SimpleSpanProcessor(exporter),
  });
  return { spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset(), stop };
}
