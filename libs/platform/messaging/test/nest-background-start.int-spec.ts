// A service boots while Kafka is down: the transport's `listen` returns at once, HTTP answers, and the consumer
// (with its provisioning and members) connects in the background once the broker answers. "Down" is a closed
// local port; "comes up" is a TCP proxy opened on that port to the real broker (its metadata then names the broker
// itself), so the shared broker is never stopped.
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HEADER } from '../src';
import { MessageContext, MessagingTransport, startMessaging, type KafkaMember } from '../nest';
import { BrokerProxy, unusedPort } from '../testing';
import { applyEffectSql, brokers, consumerSide, kafkaOptions, unique, until, upstream, type ConsumerSide } from './support';

const topic = unique('msg-it.bg');
let side: ConsumerSide;
let app: INestApplication | undefined;
const proxy = new BrokerProxy();
const memberCalls: string[] = [];

@Controller()
class PingController {
  @Get('live')
  live() {
    return { ok: true };
  }

  @EventPattern<string>('Ping')
  async ping(@Payload() payload: { n: number }, @Ctx() ctx: MessageContext): Promise<void> {
    await ctx.tx.query(applyEffectSql(side.schema), [ctx.eventId, ctx.key, payload.n]);
  }
}

beforeAll(async () => {
  side = await consumerSide('bg');
});

afterAll(async () => {
  await app?.close();
  await proxy.close();
  await side?.drop();
});

it('boots and serves HTTP with Kafka down, then connects, provisions and consumes once the broker answers', async () => {
  const port = await unusedPort();
  const member: KafkaMember = {
    name: 'probe member', start: async () => void memberCalls.push('start'), stop: async () => void memberCalls.push('stop'),
  };
  const transport = new MessagingTransport({
    kafka: kafkaOptions({ brokers: `127.0.0.1:${port}`, connectionTimeoutMs: 500 }), groupId: unique('it-bg'), topics: [topic],
    pool: side.pool, inboxSchema: side.schema, provision: [{ topic, partitions: 2 }], members: [member],
    startRetry: { initialDelayMs: 100, maxDelayMs: 400 },
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [PingController], providers: [{ provide: MessagingTransport, useValue: transport }],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const statuses: string[] = [];
  transport.status.subscribe((status) => statuses.push(status));

  // listen returned at once: the app is up while every attempt to reach the broker fails
  expect(await startMessaging(app)).toBe(transport);
  await request(app.getHttpServer()).get('/live').expect(200, { ok: true });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(transport.running).toBe(false);
  expect(statuses).toEqual(['connecting']);
  expect(memberCalls).toEqual([]); // provisioning fails first: the members after it were never started

  await proxy.open(port, brokers.split(',')[0]);
  await transport.ready();
  expect(transport.running).toBe(true);
  expect(statuses).toEqual(['connecting', 'connected']);
  expect(memberCalls).toEqual(['start']);

  const source = await upstream();
  try {
    await source.send(topic, [{ key: 'k', value: JSON.stringify({ n: 7 }), headers: { [HEADER.eventType]: 'Ping', [HEADER.eventId]: 'ping-1' } }]);
  } finally {
    await source.close();
  }
  await until('the ping applied', async () => (await side.effects()).length === 1);
  expect(await side.effects()).toEqual([{ message_id: 'ping-1', key: 'k', seq: 7, applied: 1 }]);

  await app.close();
  app = undefined;
  expect(memberCalls[memberCalls.length - 1]).toBe('stop');
  expect(statuses[statuses.length - 1]).toBe('disconnected');
}, 90_000);
