// W3C trace context across Kafka without a broker: the relay's PRODUCER span writes `traceparent` into the headers
// it sends, a consumer's span continues it from the headers as kafkajs hands them over (bytes). The broker leg is
// covered by e2e/trace-continuity.e2e-spec.ts; this pins the propagation rules themselves.
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { inSpan, traceparentOf, tracingEnabled } from '@orders/event-store';
import { HEADER, readHeaders } from './headers';
import { endPublishSpans, inConsumerSpan, inStreamBatchSpan, startChunkSpans, startPublishSpans } from './tracing';
import type { RawMessage } from './types';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const APPEND_SPAN = 'b7ad6b7169203331';
const STORED = `00-${TRACE_ID}-${APPEND_SPAN}-01`;
const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

type Headers = Record<string, string>;
const outgoing = (headers: Headers, topic = 'orders.v1') => ({ topic, messages: [{ key: 'order-1', headers }] });

/** What a consumer sees of headers a producer sent: kafkajs delivers every value as a Buffer. */
function delivered(headers: Headers, offset = '7'): RawMessage {
  const bytes = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)]));
  return {
    topic: 'orders.v1', partition: 2, offset, key: 'order-1', value: null, headers: readHeaders(bytes), timestamp: '0',
  };
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe('Kafka trace propagation while tracing is off', () => {
  it('opens no span and leaves the stored traceparent in the headers as it was', async () => {
    expect(tracingEnabled()).toBe(false);
    const headers: Headers = { [HEADER.eventId]: 'e-1', traceparent: STORED };
    const spans = startPublishSpans([outgoing(headers)]);
    expect(spans).toBeUndefined();
    expect(headers.traceparent).toBe(STORED);
    await inConsumerSpan(delivered(headers), 'g', async (span) => {
      expect(span).toBeUndefined();
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    expect(startChunkSpans([delivered(headers)], 'g')).toBeUndefined();
  });
});

describe('Kafka trace propagation while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider;

  beforeAll(() => {
    provider = new NodeTracerProvider({
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    provider.register(); // the W3C propagator and the AsyncLocalStorage context manager, as the service kit does
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    trace.disable();
    propagation.disable();
    context.disable();
    await provider.shutdown();
  });

  it('injects the PRODUCER span, child of the append, into the headers; the consumer continues it as its parent', async () => {
    const headers: Headers = { [HEADER.eventId]: 'e-1', [HEADER.eventType]: 'ExternalOrderAccepted', traceparent: STORED };
    const spans = startPublishSpans([outgoing(headers)]);
    endPublishSpans(spans);
    const [published] = exporter.getFinishedSpans();
    expect(published).toMatchObject({ name: 'publish orders.v1', kind: SpanKind.PRODUCER });
    expect(published.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(published)).toBe(APPEND_SPAN);
    expect(published.attributes).toMatchObject({
      'messaging.system': 'kafka', 'messaging.destination.name': 'orders.v1', 'messaging.message.id': 'e-1',
      'messaging.kafka.message.key': 'order-1', 'messaging.event_type': 'ExternalOrderAccepted',
    });
    // The header now names the producer span (sampled), no longer the append's.
    expect(W3C.exec(headers.traceparent)?.slice(1)).toEqual([TRACE_ID, idOf(published)]);
    expect(headers.traceparent.endsWith('-01')).toBe(true);

    // The consumer side: its span is the producer's child, active for the handler, whose own spans hang from it.
    await inConsumerSpan(delivered(headers), 'courier-tracking', async (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      await new Promise((resolve) => setImmediate(resolve)); // still active after an await, as in a real handler
      await inSpan('spec', 'command CreateDelivery', {}, async () => {
        // What the handler's append would store for the next hop: the same trace.
        expect(W3C.exec(traceparentOf() ?? '')?.[1]).toBe(TRACE_ID);
      });
    });
    const consumed = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER) as ReadableSpan;
    const command = exporter.getFinishedSpans().find((s) => s.name === 'command CreateDelivery') as ReadableSpan;
    expect(consumed.name).toBe('process orders.v1');
    expect(consumed.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(consumed)).toBe(idOf(published));
    expect(consumed.attributes).toMatchObject({
      'messaging.consumer.group.name': 'courier-tracking', 'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': '7', 'messaging.message.id': 'e-1', 'messaging.event_type': 'ExternalOrderAccepted',
    });
    expect(command.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(command)).toBe(idOf(consumed));
  });

  it('starts a trace at the producer for an event appended outside any trace, which the consumer joins', async () => {
    const headers: Headers = { [HEADER.eventId]: 'e-2' };
    endPublishSpans(startPublishSpans([outgoing(headers)]));
    const [published] = exporter.getFinishedSpans();
    expect(parentOf(published)).toBeUndefined();
    expect(W3C.exec(headers.traceparent)?.slice(1)).toEqual([published.spanContext().traceId, idOf(published)]);
    await inConsumerSpan(delivered(headers), 'g', async () => undefined);
    const consumed = exporter.getFinishedSpans()[1];
    expect(consumed.spanContext().traceId).toBe(published.spanContext().traceId);
    expect(parentOf(consumed)).toBe(idOf(published));
  });

  it('does not let the active context of the relay leak into a message: each follows its own stored traceparent', async () => {
    const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const [first, second, third]: Headers[] = [{ traceparent: STORED }, {}, { traceparent: other }];
    const started = await inSpan('spec', 'relay poll', {}, async () =>
      startPublishSpans([outgoing(first), outgoing(second), outgoing(third)]),
    );
    endPublishSpans(started);
    const traces = [first, second, third].map((h) => W3C.exec(h.traceparent)?.[1]);
    const poll = exporter.getFinishedSpans().find((s) => s.name === 'relay poll') as ReadableSpan;
    expect(traces[0]).toBe(TRACE_ID);
    expect(traces[1]).not.toBe(poll.spanContext().traceId); // an untraced event starts its own trace
    expect(traces[2]).toBe('1'.repeat(32));
  });

  it('marks a publish the broker refused as failed', () => {
    endPublishSpans(startPublishSpans([outgoing({})]), new Error('NOT_LEADER_FOR_PARTITION'));
    const [published] = exporter.getFinishedSpans();
    expect(published.status).toMatchObject({ code: 2, message: 'NOT_LEADER_FOR_PARTITION' });
    expect(published.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('ignores an invalid traceparent on consume (W3C), starting a trace of its own', async () => {
    await inConsumerSpan(delivered({ traceparent: '00-not-a-trace-01' }), 'g', async () => undefined);
    const [consumed] = exporter.getFinishedSpans();
    expect(parentOf(consumed)).toBeUndefined();
    expect(consumed.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives each message of a chunk its own CONSUMER span in its own trace, ended with the transaction', async () => {
    const a = { traceparent: STORED };
    const b = { traceparent: `00-${'3'.repeat(32)}-${'4'.repeat(16)}-01` };
    const chunk = startChunkSpans([delivered(a, '1'), delivered(b, '2')], 'g');
    const seen = [
      await chunk?.run(0, async () => trace.getActiveSpan()?.spanContext().traceId),
      await chunk?.run(1, async () => trace.getActiveSpan()?.spanContext().traceId),
    ];
    expect(seen).toEqual([TRACE_ID, '3'.repeat(32)]);
    expect(exporter.getFinishedSpans()).toHaveLength(0); // open until the transaction commits
    chunk?.end();
    const spans = exporter.getFinishedSpans();
    expect(spans.map(parentOf)).toEqual([APPEND_SPAN, '4'.repeat(16)]);
  });

  it('links a stream batch span to the traces of its messages instead of adopting one as parent', async () => {
    const traceparents = [STORED, undefined, `00-${'5'.repeat(32)}-${'6'.repeat(16)}-01`];
    await inStreamBatchSpan('positions', 0, 'g', () => traceparents, async () => undefined);
    const [batch] = exporter.getFinishedSpans();
    expect(parentOf(batch)).toBeUndefined();
    expect(batch.links.map((l) => l.context.traceId)).toEqual([TRACE_ID, '5'.repeat(32)]);
  });
});
