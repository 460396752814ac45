import {
  createDecoder, createInboundDecoder, decodeInbound, decodeMessage, type DecodeResult, encodeMessage, externalOrderAcceptedV1,
  externalOrderSubmittedV1, HEADER, orderStateV1, REQUIRED_HEADERS, TOMBSTONE_TYPE, TOPIC,
} from './index';

const envelope = { eventId: 'evt-1', occurredAt: '2026-11-23T10:02:00Z' };
const accepted = encodeMessage(externalOrderAcceptedV1, externalOrderAcceptedV1.example, envelope);
const submitted = encodeMessage(externalOrderSubmittedV1, externalOrderSubmittedV1.example, envelope);

const headersWithout = (name: string) => Object.fromEntries(Object.entries(accepted.headers).filter(([header]) => header !== name));
const failureOf = (result: DecodeResult) => {
  if (result.status === 'ok' || result.status === 'tombstone') throw new Error(`expected a failure, got ${result.status}`);
  return result;
};
const submissionWith = (change: (payload: Record<string, unknown>) => void) => {
  const payload = structuredClone(externalOrderSubmittedV1.example) as unknown as Record<string, unknown>;
  change(payload);
  return decodeMessage(TOPIC.externalOrders, submitted.headers, JSON.stringify(payload));
};

describe('decodeMessage: ok', () => {
  it('decodes an encoded message into its typed payload and envelope', () => {
    const result = decodeMessage(accepted.topic, accepted.headers, Buffer.from(accepted.value), Buffer.from(accepted.key));
    if (result.status !== 'ok') throw new Error(`expected ok, got ${result.status}`);
    const { message } = result;
    expect(message.type).toBe('ExternalOrderAccepted');
    expect(message.version).toBe(1);
    expect(message.key).toBe(externalOrderAcceptedV1.example.orderId);
    expect(message.definition).toBe(externalOrderAcceptedV1);
    if (message.type === 'ExternalOrderAccepted') expect(message.payload.acceptedBy).toBe('operator-7'); // narrowed type
    expect(message.envelope).toEqual({
      eventId: 'evt-1', eventType: 'ExternalOrderAccepted', schemaVersion: 1, correlationId: 'evt-1',
      causationId: null, traceparent: null, occurredAt: '2026-11-23T10:02:00Z',
    });
  });

  it('reads Buffer headers and single-value arrays, keeps a valid traceparent and drops an invalid one', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const headers = {
      ...Object.fromEntries(Object.entries(accepted.headers).map(([name, value]) => [name, Buffer.from(value)])),
      [HEADER.eventId]: [Buffer.from('evt-1')], [HEADER.traceparent]: traceparent, 'x-binary': Buffer.from([0xff, 0xfe]),
    };
    const result = decodeMessage(accepted.topic, headers, accepted.value);
    expect(result.status === 'ok' && result.message.envelope.traceparent).toBe(traceparent);
    const invalidTrace = decodeMessage(accepted.topic, { ...accepted.headers, [HEADER.traceparent]: '00-0000' }, accepted.value);
    expect(invalidTrace.status === 'ok' && invalidTrace.message.envelope.traceparent).toBeNull();
  });

  it('reads a null value on the compacted state topic as a tombstone', () => {
    expect(decodeMessage(TOPIC.orderState, {}, null, 'order-1')).toEqual({ status: 'tombstone', topic: TOPIC.orderState, key: 'order-1' });
    const state = encodeMessage(orderStateV1, orderStateV1.example, envelope);
    expect(decodeMessage(state.topic, state.headers, state.value, state.key).status).toBe('ok');
  });

  it('works through createDecoder with the messaging library\'s message shape', () => {
    const decode = createDecoder({ topics: [TOPIC.orderEvents] });
    expect(decode({ topic: accepted.topic, key: accepted.key, headers: accepted.headers, value: accepted.value }).status).toBe('ok');
    const elsewhere = failureOf(decode({ topic: submitted.topic, key: null, headers: submitted.headers, value: submitted.value }));
    expect(elsewhere.status).toBe('unknown_type');
    expect(elsewhere.reason).toMatch(/not consumed by this decoder/);
  });
});

describe('decodeMessage: malformed', () => {
  it('refuses a value that is not JSON', () => {
    const result = failureOf(decodeMessage(accepted.topic, accepted.headers, '{"orderId": '));
    expect(result.status).toBe('malformed');
    expect(result.reason).toMatch(/not JSON/);
    expect(result.eventId).toBe('evt-1');
  });

  it('refuses a value that is not UTF-8, and a null value outside compacted topics', () => {
    expect(failureOf(decodeMessage(accepted.topic, accepted.headers, Buffer.from([0xc3, 0x28]))).reason).toMatch(/not UTF-8/);
    expect(failureOf(decodeMessage(accepted.topic, accepted.headers, null)).status).toBe('malformed');
  });

  it.each(REQUIRED_HEADERS)('refuses a message without the %s header, naming it', (header) => {
    const result = failureOf(decodeMessage(accepted.topic, headersWithout(header), accepted.value));
    expect(result.status).toBe('malformed');
    expect(result.errors).toEqual([expect.objectContaining({ field: header, code: 'REQUIRED_FIELD' })]);
  });

  it('refuses unreadable envelope headers', () => {
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [{ [HEADER.schemaVersion]: 'one' }, HEADER.schemaVersion, 'INVALID_FORMAT'],
      [{ [HEADER.occurredAt]: '23/11/2026' }, HEADER.occurredAt, 'INVALID_FORMAT'],
      [{ [HEADER.eventType]: ['ExternalOrderAccepted', 'ExternalOrderRejected'] }, HEADER.eventType, 'REPEATED_HEADER'],
      // even equal values: clients disagree on which of a repeated header they read
      [{ [HEADER.eventId]: ['evt-1', 'evt-1'] }, HEADER.eventId, 'REPEATED_HEADER'],
      [{ [HEADER.eventId]: 'evt\u0000-1' }, HEADER.eventId, 'INVALID_HEADER'],
      [{ [HEADER.eventId]: 'evt-\ud800' }, HEADER.eventId, 'INVALID_HEADER'],
      [{ [HEADER.eventId]: 'e'.repeat(300) }, HEADER.eventId, 'INVALID_HEADER'],
    ];
    for (const [override, field, code] of cases) {
      const result = failureOf(decodeMessage(accepted.topic, { ...accepted.headers, ...override }, accepted.value));
      expect({ status: result.status, errors: result.errors }).toEqual({ status: 'malformed', errors: [expect.objectContaining({ field, code })] });
    }
  });
});

describe('decodeMessage: unknown type', () => {
  it('refuses an event type the topic does not carry', () => {
    const unknown = failureOf(decodeMessage(accepted.topic, { ...accepted.headers, [HEADER.eventType]: 'OrderTeleported' }, accepted.value));
    expect(unknown).toMatchObject({ status: 'unknown_type', eventType: 'OrderTeleported', schemaVersion: 1 });
    const wrongTopic = failureOf(decodeMessage(TOPIC.deliveryEvents, accepted.headers, accepted.value));
    expect(wrongTopic.status).toBe('unknown_type');
    expect(wrongTopic.reason).toBe(`ExternalOrderAccepted v1 is not a message type of ${TOPIC.deliveryEvents}`);
  });

  it('refuses a schema version nobody defined, and a topic outside the catalogue', () => {
    const future = failureOf(decodeMessage(accepted.topic, { ...accepted.headers, [HEADER.schemaVersion]: '2' }, accepted.value));
    expect(future).toMatchObject({ status: 'unknown_type', schemaVersion: 2 });
    expect(failureOf(decodeMessage('somebody.else.v1', accepted.headers, accepted.value)).status).toBe('unknown_type');
  });
});

describe('decodeMessage: invalid', () => {
  it('names every broken field with its path and code', () => {
    const result = failureOf(submissionWith((payload) => {
      delete payload['externalId'];
      (payload['customer'] as Record<string, unknown>)['phone'] = '8 999 000';
      (payload['items'] as [Record<string, unknown>])[0]['quantity'] = 0;
      payload['serviceType'] = 'drone';
      payload['address'] = 'x'.repeat(1024);
      payload['loyaltyCard'] = '1234';
    }));
    expect(result.status).toBe('invalid');
    expect(result.errors.map(({ field, code }) => ({ field, code }))).toEqual(expect.arrayContaining([
      { field: 'externalId', code: 'REQUIRED_FIELD' },
      { field: 'customer.phone', code: 'INVALID_FORMAT' },
      { field: 'items[0].quantity', code: 'OUT_OF_RANGE' },
      { field: 'serviceType', code: 'INVALID_ENUM' },
      { field: 'address', code: 'FIELD_TOO_LONG' },
      { field: 'loyaltyCard', code: 'UNKNOWN_FIELD' },
    ]));
    expect(result.errors).toHaveLength(6);
    expect(result.reason).toMatch(/^ExternalOrderSubmitted v1: /);
  });

  it('reports a broken nullable object by its own fields, without the null alternative', () => {
    const state = structuredClone(orderStateV1.example) as unknown as Record<string, unknown>;
    (state['delivery'] as Record<string, unknown>)['status'] = 'teleported';
    const encoded = encodeMessage(orderStateV1, orderStateV1.example, envelope);
    const result = failureOf(decodeMessage(encoded.topic, encoded.headers, JSON.stringify(state)));
    expect(result.errors.map(({ field, code }) => ({ field, code }))).toEqual([{ field: 'delivery.status', code: 'INVALID_ENUM' }]);
  });

  it('refuses a value that is JSON but not an object, and a key that disagrees with the key field', () => {
    const notObject = failureOf(decodeMessage(accepted.topic, accepted.headers, '"hello"'));
    expect(notObject.errors).toEqual([expect.objectContaining({ field: '', code: 'INVALID_TYPE' })]);
    const misKeyed = failureOf(decodeMessage(accepted.topic, accepted.headers, accepted.value, 'another-order'));
    expect(misKeyed.errors).toEqual([expect.objectContaining({ field: '(key)', code: 'KEY_MISMATCH' })]);
  });
});

describe('decodeInbound (the messaging library\'s decoder shape)', () => {
  it('hands the handler the validated payload, its type and the event id', () => {
    expect(decodeInbound({ topic: accepted.topic, key: accepted.key, headers: accepted.headers, value: Buffer.from(accepted.value) }))
      .toEqual({ ok: true, type: 'ExternalOrderAccepted', payload: externalOrderAcceptedV1.example, id: 'evt-1' });
  });

  it('classifies failures the way the runner dead-letters or skips them', () => {
    const invalid = decodeInbound({ topic: accepted.topic, key: null, headers: accepted.headers, value: '{}' });
    expect(invalid).toMatchObject({ ok: false, classification: 'invalid' });
    expect(invalid.ok === false && invalid.reason).toMatch(/orderId REQUIRED_FIELD/);
    expect(decodeInbound({ topic: accepted.topic, key: null, headers: headersWithout(HEADER.eventId), value: accepted.value }))
      .toMatchObject({ ok: false, classification: 'malformed' });
    expect(decodeInbound({ topic: TOPIC.deliveryEvents, key: null, headers: accepted.headers, value: accepted.value }))
      .toMatchObject({ ok: false, classification: 'unknown-type' });
    expect(decodeInbound({ topic: TOPIC.orderState, key: 'order-1', headers: {}, value: null })).toEqual({ ok: true, type: TOMBSTONE_TYPE, payload: null });
  });

  it('reads a test\'s own topic as the catalogue topic it stands for', () => {
    const decode = createInboundDecoder({ topicAliases: { 'orders-test-1a2b': TOPIC.orderEvents } });
    expect(decode({ topic: 'orders-test-1a2b', key: accepted.key, headers: accepted.headers, value: accepted.value }))
      .toMatchObject({ ok: true, type: 'ExternalOrderAccepted' });
  });
});

describe('decodeMessage: reasons stay short', () => {
  it('lists the first ten field errors in the reason and keeps them all in errors', () => {
    const result = failureOf(submissionWith((payload) => {
      payload['items'] = Array.from({ length: 25 }, () => ({ name: '', quantity: -1, priceMinor: 1.5 }));
    }));
    expect(result.errors.length).toBe(75);
    expect(result.reason).toMatch(/\(\+65 more\)$/);
  });
});
