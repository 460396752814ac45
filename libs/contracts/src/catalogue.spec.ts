import {
  allTopicProvisioning,
  CATALOGUE,
  ContractViolation,
  dlqTopicOf,
  encodeMessage,
  externalOrderAcceptedV1,
  externalOrderSubmittedV1,
  findMessage,
  HEADER,
  isDlqTopic,
  latestVersionOf,
  MESSAGES,
  messagesOfTopic,
  originTopicOfDlq,
  TOPIC,
  TOPICS,
  validatePayload,
  type JsonSchema,
} from './index';

describe('topic catalogue', () => {
  it('lists every topic of the architecture table once, with explicit partitions', () => {
    expect(TOPICS.map((topic) => topic.name).sort()).toEqual(Object.values(TOPIC).sort());
    for (const topic of TOPICS) {
      expect(Number.isInteger(topic.partitions) && topic.partitions > 0).toBe(true);
      expect(topic.producers.length).toBeGreaterThan(0);
      expect(topic.consumers.length).toBeGreaterThan(0);
    }
  });

  it('compacts only the latest-state topic, and keeps messages there until compaction', () => {
    expect(TOPICS.filter((topic) => topic.cleanupPolicy === 'compact').map((topic) => topic.name)).toEqual([
      TOPIC.orderState,
    ]);
    for (const topic of TOPICS) expect(topic.retentionMs === null).toBe(topic.cleanupPolicy === 'compact');
  });

  it('names dead-letter topics <topic>.dlq and maps them back', () => {
    expect(dlqTopicOf(TOPIC.orderEvents)).toBe('intake.order-events.v1.dlq');
    expect(isDlqTopic('intake.order-events.v1.dlq')).toBe(true);
    expect(originTopicOfDlq('intake.order-events.v1.dlq')).toBe(TOPIC.orderEvents);
    expect(() => originTopicOfDlq(TOPIC.orderEvents)).toThrow(/not a dead-letter topic/);
  });

  it('provisions every topic and its dead-letter topic with broker configuration', () => {
    const provisioning = allTopicProvisioning();
    expect(provisioning).toHaveLength(TOPICS.length * 2);
    const state = provisioning.find((entry) => entry.topic === TOPIC.orderState);
    expect(state?.configEntries).toContainEqual({ name: 'cleanup.policy', value: 'compact' });
    const positions = provisioning.find((entry) => entry.topic === TOPIC.courierPositions);
    expect(positions?.numPartitions).toBe(12);
    expect(provisioning.find((entry) => entry.topic === dlqTopicOf(TOPIC.courierPositions))?.numPartitions).toBe(12);
  });
});

describe('message catalogue', () => {
  it('puts every message on a catalogued topic, and every topic carries messages', () => {
    const topics = new Set(TOPICS.map((topic) => topic.name));
    for (const message of MESSAGES) expect(topics.has(message.topic as never)).toBe(true);
    for (const entry of CATALOGUE) expect(entry.messages.length).toBeGreaterThan(0);
    expect(CATALOGUE.flatMap((entry) => entry.messages)).toHaveLength(MESSAGES.length);
  });

  it('gives each message type one topic and each (type, version) one definition', () => {
    const topicOfName = new Map<string, string>();
    const ids = new Set<string>();
    for (const message of MESSAGES) {
      expect(topicOfName.get(message.name) ?? message.topic).toBe(message.topic);
      topicOfName.set(message.name, message.topic);
      const id = `${message.name}.v${message.version}`;
      expect(ids.has(id)).toBe(false);
      ids.add(id);
      expect(Number.isInteger(message.version) && message.version > 0).toBe(true);
      expect(message.name).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });

  it('keys every message by a required string or integer property of its payload', () => {
    for (const message of MESSAGES) {
      const schema = message.schema as { required: string[]; properties: Record<string, JsonSchema> };
      expect(schema.required).toContain(message.keyField);
      expect(['string', 'integer']).toContain(schema.properties[message.keyField]?.['type']);
    }
  });

  it('keys order-scoped topics by order id, positions by courier, inbound orders by external id', () => {
    const keysOf = (topic: string) => new Set(messagesOfTopic(topic).map((message) => message.keyField));
    for (const topic of [
      TOPIC.orderEvents,
      TOPIC.deliveryEvents,
      TOPIC.cancellationEvents,
      TOPIC.orderState,
      TOPIC.marketplaceNotifications,
    ]) {
      expect(keysOf(topic)).toEqual(new Set(['orderId']));
    }
    expect(keysOf(TOPIC.courierPositions)).toEqual(new Set(['courierId']));
    expect(keysOf(TOPIC.externalOrders)).toEqual(new Set(['externalId']));
  });

  it('has examples that satisfy their schemas (the TypeScript type and the schema agree)', () => {
    for (const message of MESSAGES)
      expect({ message: message.name, errors: validatePayload(message, message.example) }).toEqual({
        message: message.name,
        errors: [],
      });
  });

  it('carries personal data in clear only on inbound topics', () => {
    for (const message of MESSAGES) {
      const kind = TOPICS.find((topic) => topic.name === message.topic)?.kind;
      if (message.personalData === 'inbound-clear') expect(kind).toBe('inbound');
      if (kind !== 'inbound') expect(message.personalData).not.toBe('inbound-clear');
    }
  });

  it('has no property that looks like personal data in the public events', () => {
    // Dish names are menu data; everything else named like a person's data must not appear outside inbound topics.
    const allowed = new Set(['items[].name']);
    const suspicious = /(name|phone|address|comment|email|customer|recipient|buyer)$/i;
    // The detector does see the inbound submission's customer data, so an empty result below means something.
    expect(
      propertyPaths(externalOrderSubmittedV1.schema).filter((path) => suspicious.test(path) && !allowed.has(path)),
    ).toEqual(['customer', 'customer.name', 'customer.phone', 'address', 'comment']);
    for (const message of MESSAGES.filter((candidate) => candidate.personalData !== 'inbound-clear')) {
      const found = propertyPaths(message.schema).filter((path) => suspicious.test(path) && !allowed.has(path));
      expect({ message: message.name, found }).toEqual({ message: message.name, found: [] });
    }
  });

  it('finds definitions by topic, type and version, and the latest version of a type', () => {
    expect(findMessage(TOPIC.orderEvents, 'ExternalOrderAccepted', 1)).toBe(externalOrderAcceptedV1);
    expect(findMessage(TOPIC.deliveryEvents, 'ExternalOrderAccepted', 1)).toBeUndefined();
    expect(findMessage(TOPIC.orderEvents, 'ExternalOrderAccepted', 2)).toBeUndefined();
    expect(latestVersionOf('ExternalOrderAccepted')).toBe(externalOrderAcceptedV1);
    expect(latestVersionOf('NoSuchType')).toBeUndefined();
  });
});

describe('encodeMessage', () => {
  const envelope = { eventId: 'evt-1', occurredAt: '2026-11-23T10:02:00Z' };

  it('keys by the key field and writes the envelope headers', () => {
    const encoded = encodeMessage(externalOrderAcceptedV1, externalOrderAcceptedV1.example, {
      ...envelope,
      causationId: 'cmd-1',
    });
    expect(encoded.topic).toBe(TOPIC.orderEvents);
    expect(encoded.key).toBe(externalOrderAcceptedV1.example.orderId);
    expect(encoded.headers).toEqual({
      [HEADER.eventId]: 'evt-1',
      [HEADER.eventType]: 'ExternalOrderAccepted',
      [HEADER.schemaVersion]: '1',
      [HEADER.correlationId]: 'evt-1',
      [HEADER.causationId]: 'cmd-1',
      [HEADER.occurredAt]: '2026-11-23T10:02:00Z',
      [HEADER.contentType]: 'application/json',
    });
    expect(JSON.parse(encoded.value)).toEqual(externalOrderAcceptedV1.example);
  });

  it('refuses a payload or an envelope that breaks the contract', () => {
    const broken = { ...externalOrderAcceptedV1.example, acceptedAt: 'yesterday' };
    expect(() => encodeMessage(externalOrderAcceptedV1, broken, envelope)).toThrow(ContractViolation);
    expect(() => encodeMessage(externalOrderAcceptedV1, broken, envelope)).toThrow(/acceptedAt: INVALID_FORMAT/);
    expect(() =>
      encodeMessage(externalOrderAcceptedV1, externalOrderAcceptedV1.example, { ...envelope, occurredAt: 'now' }),
    ).toThrow(/occurred-at: INVALID_FORMAT/);
  });
});

/** Property paths of a schema, arrays written `[]`: `items[].name`, `customer.phone`. */
function propertyPaths(schema: JsonSchema, prefix = ''): string[] {
  const paths: string[] = [];
  const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
  for (const [name, child] of Object.entries(properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    paths.push(path, ...propertyPaths(child, path));
  }
  const items = schema['items'] as JsonSchema | undefined;
  if (items) paths.push(...propertyPaths(items, `${prefix}[]`));
  return paths;
}
