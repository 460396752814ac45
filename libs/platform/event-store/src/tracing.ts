import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import type { EventInput } from './types';

// The platform's spans use the OpenTelemetry API only: without an SDK (tracing off, the default) every call below is
// the API's no-op, and nothing is recorded or exported. The service kit starts the SDK when OTEL_* asks for it.

export const TRACEPARENT = 'traceparent';

/**
 * Whether a tracing SDK runs in this process: the service kit registers one (with the W3C propagator) when OTEL_*
 * asks for it, a spec's span recorder does too. Hot paths ask first, so tracing off costs them nothing at all.
 */
export function tracingEnabled(): boolean {
  return propagation.fields().length > 0;
}

/**
 * Runs `work` in a new span, active for everything it awaits, ended when it settles; a failure is recorded on the
 * span and rethrown. `parent` defaults to the active context. Shared by the event store, messaging and the service kit.
 */
export function inSpan<T>(
  tracerName: string,
  name: string,
  options: SpanOptions & { parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return trace.getTracer(tracerName).startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error (no-op on a span that is not recording). */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The W3C `traceparent` of a context (the active one by default), when a propagator is installed and a span is active. */
export function traceparentOf(from: Context = context.active()): string | undefined {
  const span = trace.getSpan(from);
  if (!span || !isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier[TRACEPARENT];
}

/**
 * The context a W3C `traceparent` (a header, stored metadata) continues; without one (or an invalid one: W3C says to
 * ignore it) the root context, so the span starts a trace of its own whatever happens to be active.
 */
export function continuedContext(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { [TRACEPARENT]: traceparent }) : ROOT_CONTEXT;
}

/**
 * The events with the active span's `traceparent` in their metadata, so the relay continues the trace in Kafka
 * headers; unchanged when nothing is traced. An explicit traceparent in the input's metadata is kept.
 */
export function withTraceparent(inputs: readonly EventInput[]): readonly EventInput[] {
  const traceparent = traceparentOf();
  if (traceparent === undefined) return inputs;
  return inputs.map((input) =>
    typeof input.metadata?.[TRACEPARENT] === 'string'
      ? input
      : { ...input, metadata: { ...input.metadata, [TRACEPARENT]: traceparent } },
  );
}

export { SpanKind };
