import type { RecordedEvent } from '@orders/event-store';
import { relayHeaders, toTopicMessages } from './relay';

const recorded = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '0190a1b2-0000-7000-8000-000000000001',
  streamId: 'order-1',
  streamType: 'order',
  streamVersion: 1,
  globalPosition: '1',
  transactionId: '100',
  type: 'OrderAccepted',
  schemaVersion: 2,
  data: { total: 10 },
  metadata: {},
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  recordedAt: new Date('2026-01-02T03:04:06Z'),
  ...over,
});

describe('relay headers', () => {
  it('carries the standard headers, falling back to the event id for correlation and causation', () => {
    const headers = relayHeaders(recorded(), { topic: 't', key: 'order-1', value: {} });
    expect(headers).toEqual({
      'event-id': '0190a1b2-0000-7000-8000-000000000001',
      'event-type': 'OrderAccepted',
      'schema-version': '2',
      'correlation-id': '0190a1b2-0000-7000-8000-000000000001',
      'causation-id': '0190a1b2-0000-7000-8000-000000000001',
      'occurred-at': '2026-01-02T03:04:05.678Z',
      'content-type': 'application/json',
    });
  });

  it('takes correlation, causation and traceparent from the metadata and lets the mapper rename the type', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const headers = relayHeaders(recorded({ metadata: { correlationId: 'c-1', causationId: 'cmd-9', traceparent } }), {
      topic: 't',
      key: 'k',
      value: {},
      eventType: 'OrderAcceptedV1',
      schemaVersion: 1,
      headers: { 'event-id': 'spoofed', tenant: 'acme' },
    });
    expect(headers).toMatchObject({
      'correlation-id': 'c-1',
      'causation-id': 'cmd-9',
      traceparent,
      'event-type': 'OrderAcceptedV1',
      'schema-version': '1',
      tenant: 'acme',
    });
    expect(headers['event-id']).toBe('0190a1b2-0000-7000-8000-000000000001'); // the standard headers win
  });
});

describe('topic messages', () => {
  it('keeps log order per topic, drops unmapped events and serialises values', () => {
    const events = [1, 2, 3, 4].map((n) => recorded({ eventId: `e-${n}`, streamVersion: n, data: { n } }));
    const grouped = toTopicMessages(events, (e) => {
      const n = (e.data as { n: number }).n;
      if (n === 3) return null;
      return { topic: n % 2 ? 'odd' : 'even', key: e.streamId, value: n === 4 ? 'raw text' : e.data };
    });
    expect(grouped.map((g) => [g.topic, g.messages.map((m) => m.value)])).toEqual([
      ['odd', ['{"n":1}']],
      ['even', ['{"n":2}', 'raw text']],
    ]);
  });

  it('sends a tombstone as a null value, not the JSON text "null"', () => {
    const [group] = toTopicMessages([recorded({ data: { orderId: 'o-1' } })], (e) => ({
      topic: 'state',
      key: 'o-1',
      value: e.data,
      tombstone: true,
    }));
    expect(group.messages[0].value).toBeNull();
  });

  it("stamps each message with the time its event was recorded, whatever the sending host's clock says", () => {
    const [group] = toTopicMessages([recorded()], (e) => ({ topic: 't', key: e.streamId, value: e.data }));
    expect(group?.messages[0]?.timestamp).toBe(String(Date.parse('2026-01-02T03:04:06Z')));
  });
});
