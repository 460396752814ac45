// A hybrid HTTP + Kafka Nest app: RelayModule publishes the app's event log, MessagingTransport consumes it with
// `@EventPattern` handlers dispatched by the `event-type` header (several types on one topic).
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { EventStore } from '@orders/event-store';
import { createTestEventStore, type TestEventStore } from '@orders/event-store/testing';
import request from 'supertest';
import { DeadLetters, HEADER } from '../src';
import { connectMessaging, MessageContext, MessagingTransport, RelayLifecycle, RelayModule } from '../nest';
import { applyEffectSql, consumerSide, kafkaOptions, unique, until, type ConsumerSide } from './support';

const topic = unique('msg-it.nest');
let producerSide: TestEventStore;
let side: ConsumerSide;
let app: INestApplication;
const seen: Array<{
  handler: string;
  payload: unknown;
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  key: string | null;
  headers: Record<string, string>;
}> = [];

class OrderAlreadyShipped extends Error {
  readonly retryable = false;
  constructor() {
    super('the order has already shipped');
    this.name = 'OrderAlreadyShipped';
  }
}

@Controller()
class OrderEventsController {
  @Get('health')
  health() {
    return { ok: true };
  }

  @EventPattern<string>('OrderPlaced')
  async placed(@Payload() payload: { n: number }, @Ctx() ctx: MessageContext): Promise<void> {
    seen.push({
      handler: 'placed',
      payload,
      topic: ctx.topic,
      partition: ctx.partition,
      offset: ctx.offset,
      eventId: ctx.eventId,
      key: ctx.key,
      headers: ctx.headers,
    });
    await ctx.tx.query(applyEffectSql(side.schema), [ctx.eventId, ctx.key, payload.n]);
  }

  @EventPattern<string>('OrderCancelled')
  async cancelled(@Payload() payload: { n: number }, @Ctx() ctx: MessageContext): Promise<void> {
    seen.push({
      handler: 'cancelled',
      payload,
      topic: ctx.topic,
      partition: ctx.partition,
      offset: ctx.offset,
      eventId: ctx.eventId,
      key: ctx.key,
      headers: ctx.headers,
    });
    await ctx.tx.query(applyEffectSql(side.schema), [ctx.eventId, ctx.key, payload.n]);
  }

  @EventPattern<string>('OrderRejected')
  rejected(): never {
    throw new OrderAlreadyShipped();
  }
}

beforeAll(async () => {
  producerSide = await createTestEventStore({ prefix: 'nest' });
  side = await consumerSide('nest');
  const store = producerSide.store;
  const moduleRef = await Test.createTestingModule({
    imports: [
      RelayModule.forRootAsync({
        useFactory: () => ({
          store,
          kafka: kafkaOptions(),
          name: 'nest-relay',
          topics: [{ topic, partitions: 3 }],
          subscription: { pollIntervalMs: 100 },
          map: (event) => ({ topic, key: event.streamId, value: event.data }),
        }),
      }),
    ],
    controllers: [OrderEventsController],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.enableShutdownHooks();
  const transport = new MessagingTransport({
    kafka: kafkaOptions(),
    groupId: unique('it-nest'),
    topics: [topic],
    pool: side.pool,
    inboxSchema: side.schema,
    retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
    // the relay provisions it too, in the background: whichever comes first creates it
    provision: [{ topic, partitions: 3 }],
  });
  connectMessaging(app, transport);
  await app.init(); // the relay starts here, in the background
  await app.startAllMicroservices(); // returns at once; the transport connects in the background
  await Promise.all([transport.ready(), app.get(RelayLifecycle).ready()]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await side?.drop();
  await producerSide?.drop();
});

async function appendOrders(store: EventStore): Promise<void> {
  await store.append('order-a', 'no_stream', [
    { type: 'OrderPlaced', data: { n: 1 } },
    { type: 'OrderNoted', data: { n: 2 } },
    { type: 'OrderCancelled', data: { n: 3 } },
  ]);
  await store.append('order-b', 'no_stream', [
    { type: 'OrderRejected', data: { n: 1 } },
    { type: 'OrderPlaced', data: { n: 2 } },
  ]);
}

it('serves HTTP and dispatches relayed events to @EventPattern handlers by their event-type header', async () => {
  await request(app.getHttpServer()).get('/health').expect(200, { ok: true });
  await appendOrders(producerSide.store);

  await until(
    'both orders placed',
    () => seen.filter((s) => s.handler === 'placed').length === 2 && seen.some((s) => s.handler === 'cancelled'),
  );
  expect(seen.map((s) => `${s.key}:${s.handler}`).sort()).toEqual([
    'order-a:cancelled',
    'order-a:placed',
    'order-b:placed',
  ]);
  const [placedA] = seen.filter((s) => s.key === 'order-a' && s.handler === 'placed');
  expect(placedA).toMatchObject({
    topic,
    payload: { n: 1 },
    headers: expect.objectContaining({ [HEADER.eventType]: 'OrderPlaced' }),
  });
  expect(placedA.headers[HEADER.eventId]).toBe(placedA.eventId);
  expect(placedA.partition).toBeGreaterThanOrEqual(0);

  // OrderNoted has no handler: skipped, never dead-lettered; OrderRejected's own error class reaches the dead letter
  const deadLetters = new DeadLetters({ kafka: kafkaOptions() });
  try {
    await until('the rejection dead-lettered', async () => (await deadLetters.list(topic)).length === 1);
    const [letter] = await deadLetters.list(topic);
    expect(letter.headers[HEADER.eventType]).toBe('OrderRejected');
    expect(letter.error).toMatchObject({
      class: 'OrderAlreadyShipped',
      message: 'the order has already shipped',
      classification: 'non-retryable',
      attempts: 1,
    });
  } finally {
    await deadLetters.close();
  }
  expect((await side.effects()).every((e) => e.applied === 1)).toBe(true);
}, 60_000);
