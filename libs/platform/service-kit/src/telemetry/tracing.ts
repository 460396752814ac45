import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SamplerName, TracingConfig } from './telemetry-config';

// One tracer provider per process, as OpenTelemetry's API has one global: the first app of a process that asks for
// tracing starts it (with its service name), later apps of the same process (specs boot several) share it, and it
// stops when the last of them stops. A spec's span recorder starts it the same way.

interface Running {
  readonly provider: NodeTracerProvider;
  users: number;
}

let running: Running | undefined;

export interface TracingSetup {
  readonly resource: Readonly<Record<string, string>>;
  readonly sampler: Sampler;
  readonly processor: SpanProcessor;
}

/**
 * Registers the SDK globally: the W3C trace-context propagator, the AsyncLocalStorage context manager (a span stays
 * active across every await of the work it covers) and the processor. Returns the stop of this user; the SDK is
 * flushed and unregistered when the last user stops.
 */
export function startTracing(setup: TracingSetup): () => Promise<void> {
  if (!running) {
    const provider = new NodeTracerProvider({
      resource: defaultResource().merge(resourceFromAttributes(setup.resource)),
      sampler: setup.sampler,
      spanProcessors: [setup.processor],
    });
    provider.register();
    running = { provider, users: 0 };
  }
  const mine = running;
  mine.users += 1;
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    mine.users -= 1;
    if (mine.users > 0 || running !== mine) return;
    running = undefined;
    trace.disable();
    propagation.disable();
    context.disable();
    await mine.provider.shutdown();
  };
}

/** The SDK of a service's configuration: OTLP over HTTP (or the console), batched, sampled as configured. */
export function tracingSetupOf(config: TracingConfig): TracingSetup {
  const exporter =
    config.exporter === 'console'
      ? new ConsoleSpanExporter()
      : new OTLPTraceExporter({
          url: config.url,
          headers: { ...config.headers },
          ...(config.timeoutMs ? { timeoutMillis: config.timeoutMs } : {}),
        });
  return {
    resource: config.resource,
    sampler: samplerOf(config.sampler, config.ratio),
    processor: new BatchSpanProcessor(exporter),
  };
}

export function samplerOf(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
