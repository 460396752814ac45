// Events appended in one service's store travel through the relay and Kafka to a consumer in another database:
// every event applied once, each key in order, across three partitions with many keys in flight.
import { execFileSync } from 'node:child_process';
import type { EventStore } from '@orders/event-store';
import { createTestEventStore, type TestEventStore } from '@orders/event-store/testing';
import {
  createConsumer,
  createRelay,
  HEADER,
  provisionTopics,
  type Consumer,
  type InboundMessage,
  type Relay,
} from '../src';
import { applyEffectSql, brokers, consumerSide, kafkaOptions, unique, until, type ConsumerSide } from './support';

const topic = unique('msg_it.orders').replace('_', '-');
let producerSide: TestEventStore;
let store: EventStore;
let side: ConsumerSide;
let relay: Relay;
let consumer: Consumer | undefined;

beforeAll(async () => {
  producerSide = await createTestEventStore({ prefix: 'relay' });
  store = producerSide.store;
  side = await consumerSide('relay_consumer');
  relay = createRelay({
    store,
    kafka: kafkaOptions(),
    name: 'orders-relay',
    topics: [{ topic, partitions: 3, configs: { 'retention.ms': '3600000' } }],
    subscription: { pollIntervalMs: 100 },
    map: (event) =>
      event.type === 'Internal'
        ? null
        : { topic, key: event.streamId, value: { n: (event.data as { n: number }).n }, eventType: `${event.type}V1` },
  });
  await relay.start();
}, 30_000);

// a consumer's leave-group and two schema drops can take longer than jest's default 5 s on a loaded machine
afterAll(async () => {
  await consumer?.stop();
  await relay?.stop();
  await side?.drop();
  await producerSide?.drop();
}, 30_000);

describe('relay to consumer across databases', () => {
  it('applies every event once and keeps each key in order over three partitions', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `order-${i}`);
    const perKey = 30;
    const seenHeaders: Array<Record<string, string>> = [];
    consumer = createConsumer({
      kafka: kafkaOptions(),
      groupId: unique('it-orders'),
      topics: [topic],
      pool: side.pool,
      inboxSchema: side.schema,
      handle: async (message: InboundMessage, { tx }) => {
        seenHeaders.push(message.headers);
        await tx.query(applyEffectSql(side.schema), [message.id, message.key, (message.payload as { n: number }).n]);
      },
    });
    await consumer.start();

    // keys append concurrently, each key sequentially; an unmapped event in between is not published
    await Promise.all(
      keys.map(async (key) => {
        for (let n = 1; n <= perKey; n++) {
          await store.append(key, 'any', [
            { type: 'Stepped', data: { n }, metadata: { correlationId: `corr-${key}` } },
          ]);
          if (n === 10) await store.append(key, 'any', [{ type: 'Internal', data: { n: 0 } }]);
        }
      }),
    );

    const total = keys.length * perKey;
    await until(`${total} effects`, async () => (await side.effects()).length >= total, 60_000);
    const effects = await side.effects();
    expect(effects).toHaveLength(total);
    expect(effects.every((e) => e.applied === 1)).toBe(true);
    for (const key of keys) {
      expect(effects.filter((e) => e.key === key).map((e) => e.seq)).toEqual(
        Array.from({ length: perKey }, (_, i) => i + 1),
      );
    }

    const headers = seenHeaders[0];
    expect(headers[HEADER.eventType]).toBe('SteppedV1');
    expect(headers[HEADER.schemaVersion]).toBe('1');
    expect(headers[HEADER.correlationId]).toMatch(/^corr-order-/);
    expect(headers[HEADER.causationId]).toBe(headers[HEADER.eventId]);
    expect(new Date(headers[HEADER.occurredAt]).toISOString()).toBe(headers[HEADER.occurredAt]);
    await until('relay caught up', async () => (await relay.lagSeconds()) === 0);

    // a client no one here wrote reads what the relay published, headers included
    const lines = execFileSync(
      'kcat',
      ['-C', '-b', brokers, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%h|%k|%s\\n'],
      { encoding: 'utf8', timeout: 60_000 },
    )
      .trim()
      .split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const [header, key, value] = lines[0].split('|');
    expect(header).toContain('event-id=');
    expect(header).toContain('event-type=SteppedV1');
    expect(header).toContain('occurred-at=');
    expect(keys).toContain(key);
    expect(JSON.parse(value)).toEqual({ n: expect.any(Number) });
  }, 120_000);

  it('handles a message produced by kcat', async () => {
    const inbound = unique('msg_it.inbound').replace('_', '-');
    await provisionTopics(kafkaOptions(), [{ topic: inbound, partitions: 3 }]);
    const handled: InboundMessage[] = [];
    const kcatConsumer = createConsumer({
      kafka: kafkaOptions(),
      groupId: unique('it-kcat'),
      topics: [inbound],
      pool: side.pool,
      inboxSchema: side.schema,
      handle: async (message, { tx }) => {
        await tx.query(applyEffectSql(side.schema), [message.id, message.key, 1]);
      },
      onHandled: (message) => {
        handled.push(message);
      }, // after the commit: the effect is visible by then
    });
    await kcatConsumer.start();
    try {
      execFileSync(
        'kcat',
        [
          '-P',
          '-b',
          brokers,
          '-t',
          inbound,
          '-k',
          'ext-77',
          '-H',
          'event-type=ExternalOrderReceived',
          '-H',
          'event-id=kcat-evt-1',
        ],
        { input: '{"externalOrderId":"ext-77"}\n', timeout: 60_000 },
      );
      await until('the kcat message handled', () => handled.length === 1, 60_000);
      expect(handled[0]).toMatchObject({
        id: 'kcat-evt-1',
        type: 'ExternalOrderReceived',
        key: 'ext-77',
        payload: { externalOrderId: 'ext-77' },
      });
      expect((await side.effects()).find((e) => e.message_id === 'kcat-evt-1')).toMatchObject({ applied: 1 });
    } finally {
      await kcatConsumer.stop();
    }
  }, 150_000);
});
