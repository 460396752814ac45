// One trace across three services: intake, courier-tracking and the projector booted in this process on one topic
// prefix, every span kept by an in-memory exporter (the OTLP exporter is configuration, not behaviour). A client that
// traces sends one `traceparent` with its submit and its accept; every span of the work those requests cause, over
// HTTP, the event stores, the relays, Kafka and the consumers, must carry that trace id and hang from its cause.
import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TOPIC } from '@orders/contracts';
import { MessagingTransport } from '@orders/messaging/nest';
import { eventually, recordSpans, type SpanRecorder } from '@orders/service-kit/testing';
import { startCourierTracking, type CourierTestApp } from '../apps/courier-tracking/test/courier-app';
import { startIntake, submission, type IntakeTestApp } from '../apps/intake/test/intake-app';
import { startProjector, type ProjectorTestApp } from '../apps/projector/test/projector-app';

jest.setTimeout(120_000);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('a trace across intake, courier-tracking and the projector', () => {
  const prefix = `trace-${hex(4)}.`;
  let recorder: SpanRecorder;
  let intake: IntakeTestApp;
  let courier: CourierTestApp;
  let projector: ProjectorTestApp;

  beforeAll(async () => {
    // Before the apps: the kit installs its request spans only when tracing is on as an app is created.
    recorder = recordSpans();
    intake = await startIntake({ TOPIC_PREFIX: prefix, INTAKE_LICENSES: 'company-a' });
    courier = await startCourierTracking({ TOPIC_PREFIX: prefix });
    projector = await startProjector({ prefix });
    await Promise.all([
      intake.app.get(MessagingTransport).ready(),
      courier.kafkaReady(),
      projector.app.get(MessagingTransport).ready(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await projector?.close();
    await courier?.close();
    await intake?.close();
    await recorder?.stop();
  });

  it('continues the client trace from the HTTP submit and accept through Kafka into the consumers, span after span', async () => {
    const traceId = hex(16);
    const clientSpanId = hex(8);
    const traceparent = `00-${traceId}-${clientSpanId}-01`;
    const orders = '/api/v1/companies/company-a/external-orders';
    const key = { 'Api-Key': intake.keys.companyA, traceparent };
    const { orderId } = (await intake.http().post(orders).set(key).send(submission()).expect(201)).body as {
      orderId: string;
    };
    await intake.http().post(`${orders}/${orderId}/accept`).set(key).send({}).expect(200);

    const inTrace = () => recorder.spans().filter((span) => span.spanContext().traceId === traceId);
    const consumedBy = (group: string, type: string) => (span: ReadableSpan) =>
      span.kind === SpanKind.CONSUMER &&
      span.attributes['messaging.consumer.group.name'] === group &&
      span.attributes['messaging.event_type'] === type;
    const projectorGroup = `${prefix}projector`;
    // Up to the last hop (the projector folded the delivery courier-tracking created from the accepted order), and
    // every span's parent ended too (a publish span ends with the broker's answer, maybe after its consumer's).
    const complete = (all: ReadableSpan[]) => {
      const ids = new Set(all.map((span) => span.spanContext().spanId));
      const parented = all.every(
        (span) => span.parentSpanContext?.spanId === clientSpanId || ids.has(span.parentSpanContext?.spanId ?? ''),
      );
      return parented && all.some(consumedBy(projectorGroup, 'DeliveryCreated'));
    };
    const spans = await eventually(async () => inTrace(), complete, 60_000);
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
    const one = (what: string, match: (span: ReadableSpan) => boolean): ReadableSpan => {
      const found = spans.filter(match);
      if (found.length !== 1) throw new Error(`${found.length} spans for ${what} in:\n${spanTree(spans)}`);
      return found[0];
    };
    const published = (topic: string, type: string) => (span: ReadableSpan) =>
      span.kind === SpanKind.PRODUCER &&
      span.name === `publish ${prefix}${topic}` &&
      span.attributes['messaging.event_type'] === type;

    // intake: the submit request, its command and append, then the relay's publish of ExternalOrderReceived
    const submit = one(
      'the submit request',
      (s) => s.kind === SpanKind.SERVER && s.name === 'POST /api/v1/companies/:companyId/external-orders',
    );
    expect(submit.parentSpanContext?.spanId).toBe(clientSpanId);
    const submitCommand = one('SubmitExternalOrder', (s) => s.name === 'command SubmitExternalOrder');
    expect(parentOf(submitCommand)).toBe(submit);
    const submitAppend = one(
      'its append',
      (s) => s.name.startsWith('event-store append') && parentOf(s) === submitCommand,
    );
    const received = one('ExternalOrderReceived published', published(TOPIC.orderEvents, 'ExternalOrderReceived'));
    expect(parentOf(received)).toBe(submitAppend);
    // ... which the projector folds, in the same trace
    expect(parentOf(one('the projector folding it', consumedBy(projectorGroup, 'ExternalOrderReceived')))).toBe(
      received,
    );

    // intake: the accept request and its event on Kafka
    const accept = one(
      'the accept request',
      (s) =>
        s.kind === SpanKind.SERVER && s.name === 'POST /api/v1/companies/:companyId/external-orders/:orderId/accept',
    );
    expect(accept.parentSpanContext?.spanId).toBe(clientSpanId);
    const acceptCommand = one('AcceptExternalOrder', (s) => s.name === 'command AcceptExternalOrder');
    expect(parentOf(acceptCommand)).toBe(accept);
    const accepted = one('ExternalOrderAccepted published', published(TOPIC.orderEvents, 'ExternalOrderAccepted'));
    expect(parentOf(parentOf(accepted) as ReadableSpan)).toBe(acceptCommand);

    // courier-tracking: its consumer handles it, the policy's command creates the delivery, its relay publishes it
    const courierHandles = one(
      'courier-tracking consuming it',
      consumedBy(`${prefix}courier-tracking`, 'ExternalOrderAccepted'),
    );
    expect(parentOf(courierHandles)).toBe(accepted);
    const createDelivery = one('CreateDelivery', (s) => s.name === 'command CreateDelivery');
    expect(parentOf(createDelivery)).toBe(courierHandles);
    const created = one('DeliveryCreated published', published(TOPIC.deliveryEvents, 'DeliveryCreated'));
    expect(parentOf(parentOf(created) as ReadableSpan)).toBe(createDelivery);

    // the projector: the delivery folded beside the order
    expect(parentOf(one('the projector folding the delivery', consumedBy(projectorGroup, 'DeliveryCreated')))).toBe(
      created,
    );

    if (process.env.TRACE_SPEC_PRINT) console.info(`trace ${traceId}\n${spanTree(spans)}`);
  });
});

/** The spans as an indented tree, in start order: `name [kind] attributes`. */
function spanTree(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const span of [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])) {
    const parent = span.parentSpanContext?.spanId;
    if (parent && ids.has(parent)) children.set(parent, [...(children.get(parent) ?? []), span]);
    else roots.push(span);
  }
  const lines: string[] = [];
  const walk = (span: ReadableSpan, depth: number) => {
    const group = span.attributes['messaging.consumer.group.name'];
    const stream = span.attributes['event_store.stream_id'];
    const type = span.attributes['messaging.event_type'];
    const detail = [group && `group=${group}`, type && `type=${type}`, stream && `stream=${stream}`]
      .filter(Boolean)
      .join(' ');
    lines.push(`${'  '.repeat(depth)}${span.name} [${SpanKind[span.kind]}]${detail ? ` ${detail}` : ''}`);
    for (const child of children.get(span.spanContext().spanId) ?? []) walk(child, depth + 1);
  };
  roots.forEach((root) => walk(root, 0));
  return lines.join('\n');
}
