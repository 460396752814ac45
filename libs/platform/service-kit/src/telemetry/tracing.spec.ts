import { SpanKind, trace } from '@opentelemetry/api';
import { inSpan, tracingEnabled } from '@orders/event-store';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { traceFields } from '../logging/logger-params';
import { samplerOf, startTracing } from './tracing';

describe('tracing', () => {
  it('is off until started: no propagator, no active span, no trace fields on a log line', async () => {
    expect(tracingEnabled()).toBe(false);
    await inSpan('spec', 'untraced', {}, async () => {
      expect(trace.getActiveSpan()?.isRecording() ?? false).toBe(false);
      expect(traceFields()).toEqual({});
    });
  });

  it('once started, puts the active trace on every log line, and is shared and stopped by the last user', async () => {
    const exporter = new InMemorySpanExporter();
    const first = startTracing({
      resource: { 'service.name': 'spec' },
      sampler: new AlwaysOnSampler(),
      processor: new SimpleSpanProcessor(exporter),
    });
    const second = startTracing({
      resource: { 'service.name': 'other' },
      sampler: samplerOf('always_off', 1),
      processor: new SimpleSpanProcessor(exporter),
    });
    expect(tracingEnabled()).toBe(true);
    const fields = await inSpan('spec', 'work', { kind: SpanKind.INTERNAL }, async (span) => {
      await new Promise((resolve) => setImmediate(resolve)); // across an await, as a handler's lines are
      expect(traceFields()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      return traceFields();
    });
    const [recorded] = exporter.getFinishedSpans();
    expect(recorded.name).toBe('work');
    expect(recorded.resource.attributes['service.name']).toBe('spec'); // the first user's SDK, shared
    expect(fields.trace_id).toBe(recorded.spanContext().traceId);
    await first();
    expect(tracingEnabled()).toBe(true);
    await second();
    expect(tracingEnabled()).toBe(false);
  });

  it('samples as OTEL_TRACES_SAMPLER says, a ratio sampler following its parent', () => {
    expect(samplerOf('parentbased_traceidratio', 0.1).toString()).toMatch(/ParentBased\{root=TraceIdRatioBased\{0.1\}/);
    expect(samplerOf('always_on', 1).toString()).toBe('AlwaysOnSampler');
  });
});
