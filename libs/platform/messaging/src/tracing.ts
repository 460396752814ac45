import { context, propagation, SpanKind, trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { continuedContext, failSpan, inSpan, TRACEPARENT, tracingEnabled } from '@orders/event-store';
import { HEADER } from './headers';
import type { RawMessage } from './types';

// Kafka spans, after the OpenTelemetry messaging conventions: a PRODUCER span per published message, child of the
// trace its event was appended in (the `traceparent` the event store put in its metadata), whose own context the
// message carries in its `traceparent` header; a CONSUMER span per handled message, continuing that header, in
// which the handler (and the command it runs) opens its spans. Nothing at all happens while tracing is off: the
// header then passes through as it was stored.

const TRACER = '@orders/messaging';

interface Outgoing {
  topic: string;
  messages: { key?: string | Buffer | null; headers?: Record<string, unknown> }[];
}

/**
 * Opens the PRODUCER span of every message about to be sent and writes its context into the message's headers;
 * end them with `endPublishSpans` once the broker answered. Undefined while tracing is off.
 */
export function startPublishSpans(batches: readonly Outgoing[]): Span[] | undefined {
  if (!tracingEnabled()) return undefined;
  const tracer = trace.getTracer(TRACER);
  const spans: Span[] = [];
  for (const { topic, messages } of batches) {
    for (const message of messages) {
      const headers = (message.headers ??= {}) as Record<string, string>;
      const parent = continuedContext(stringOf(headers[TRACEPARENT]));
      const span = tracer.startSpan(
        `publish ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            ...optional('messaging.message.id', stringOf(headers[HEADER.eventId])),
            ...optional('messaging.kafka.message.key', stringOf(message.key)),
            ...optional('messaging.event_type', stringOf(headers[HEADER.eventType])),
          },
        },
        parent,
      );
      propagation.inject(trace.setSpan(parent, span), headers);
      spans.push(span);
    }
  }
  return spans;
}

export function endPublishSpans(spans: readonly Span[] | undefined, error?: unknown): void {
  for (const span of spans ?? []) {
    if (error !== undefined) failSpan(span, error);
    span.end();
  }
}

/** The span attributes of one consumed message. */
function consumed(raw: RawMessage, groupId: string): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': raw.topic,
    'messaging.consumer.group.name': groupId,
    'messaging.destination.partition.id': String(raw.partition),
    'messaging.kafka.offset': raw.offset,
    ...optional('messaging.message.id', raw.headers[HEADER.eventId]),
    ...optional('messaging.event_type', raw.headers[HEADER.eventType]),
  };
}

/**
 * Handles one message in its CONSUMER span, continuing the trace of its `traceparent` header: the handler's own
 * spans (a command, its append) are children of it. Runs `work` as it is while tracing is off.
 */
export function inConsumerSpan<T>(raw: RawMessage, groupId: string, work: (span?: Span) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work();
  const options = {
    kind: SpanKind.CONSUMER,
    attributes: consumed(raw, groupId),
    parent: continuedContext(raw.headers[TRACEPARENT]),
  };
  return inSpan(TRACER, `process ${raw.topic}`, options, work);
}

/**
 * A chunk of one partition handled in one transaction: a CONSUMER span per message, each in its own trace, all
 * ended with the transaction. `run` executes one message's handler inside its span (handlers that take one message
 * at a time); a batch handler runs outside them all. Undefined while tracing is off.
 */
export function startChunkSpans(raws: readonly RawMessage[], groupId: string): ChunkSpans | undefined {
  if (!tracingEnabled()) return undefined;
  const tracer = trace.getTracer(TRACER);
  const spans = raws.map((raw) => {
    const parent = continuedContext(raw.headers[TRACEPARENT]);
    const span = tracer.startSpan(
      `process ${raw.topic}`,
      { kind: SpanKind.CONSUMER, attributes: consumed(raw, groupId) },
      parent,
    );
    return { parent, span };
  });
  return {
    run: (index, work) => context.with(trace.setSpan(spans[index].parent, spans[index].span), work),
    end: (error) =>
      endPublishSpans(
        spans.map((s) => s.span),
        error,
      ),
  };
}

export interface ChunkSpans {
  run<T>(index: number, work: () => Promise<T>): Promise<T>;
  end(error?: unknown): void;
}

/**
 * One CONSUMER span for a stream batch (thousands of messages, most from no trace at all), linked to the traces of
 * the messages that carry one. Runs `work` as it is while tracing is off.
 */
export function inStreamBatchSpan<T>(
  topic: string,
  partition: number,
  groupId: string,
  traceparents: () => Iterable<string | undefined>,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  const links: Link[] = [];
  for (const traceparent of traceparents()) {
    const linked = traceparent ? trace.getSpanContext(continuedContext(traceparent)) : undefined;
    if (linked) links.push({ context: linked });
  }
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
    'messaging.destination.partition.id': String(partition),
  };
  return inSpan(
    TRACER,
    `process ${topic}`,
    { kind: SpanKind.CONSUMER, attributes, links, parent: continuedContext(undefined) },
    work,
  );
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

function optional(name: string, value: string | undefined): Attributes {
  return value === undefined ? {} : { [name]: value };
}
