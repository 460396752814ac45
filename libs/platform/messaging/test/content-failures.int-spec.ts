// Failures a message's content causes in PostgreSQL (a NUL in text, a NUL inside a simple-protocol query, a value out
// of range) are the message's fault: dead-lettered at once, never retried as an outage holding the partition.
import {
  createConsumer,
  DeadLetters,
  DLQ_HEADER,
  HEADER,
  provisionTopics,
  type Consumer,
  type InboundMessage,
} from '../src';
import { escapeLiteral } from 'pg';
import { applyEffectSql, consumerSide, kafkaOptions, unique, until, upstream, type ConsumerSide } from './support';

let side: ConsumerSide;
let source: Awaited<ReturnType<typeof upstream>>;
const consumers: Consumer[] = [];
const deadLetters = new DeadLetters({ kafka: kafkaOptions() });

beforeAll(async () => {
  side = await consumerSide('content');
  source = await upstream();
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await deadLetters.close();
  await source?.close();
  await side?.drop();
});

const event = (id: string, type: string, value: unknown) => ({
  key: 'order-1',
  value: JSON.stringify(value),
  headers: { [HEADER.eventId]: id, [HEADER.eventType]: type },
});

it('dead-letters content-caused SQL errors at once (22021, 08P01, 22003) and keeps the partition flowing', async () => {
  const topic = unique('msg-it.content');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  const calls = new Map<string, number>();
  const handled: string[] = [];
  const consumer = createConsumer({
    kafka: kafkaOptions(),
    groupId: unique('it-content'),
    topics: [topic],
    pool: side.pool,
    inboxSchema: side.schema,
    // generous retries: a content failure must not use them
    retry: { attempts: 50, initialDelayMs: 10, maxDelayMs: 50 },
    handle: async (message: InboundMessage, { tx }) => {
      calls.set(message.id, (calls.get(message.id) ?? 0) + 1);
      const { text } = message.payload as { text: string };
      if (message.type === 'AsParameter') await tx.query('SELECT $1::text', [text]);
      if (message.type === 'InSimpleQuery') await tx.query(`SELECT ${escapeLiteral(text)}`);
      if (message.type === 'OutOfRange') await tx.query('SELECT $1::int', [text]);
      await tx.query(applyEffectSql(side.schema), [message.id, message.key, 0]);
    },
    onHandled: (message, outcome) => {
      if (outcome === 'handled') handled.push(message.id);
    },
  });
  consumers.push(consumer);
  await consumer.start();

  await source.send(topic, [
    event('c-1', 'AsParameter', { text: 'a\u0000b' }),
    event('c-2', 'InSimpleQuery', { text: 'a\u0000b' }),
    event('c-3', 'OutOfRange', { text: '99999999999' }),
    event('c-4', 'AsParameter', { text: 'fine' }),
  ]);
  await until('the valid message after them handled', () => handled.includes('c-4'), 20_000);
  expect(handled).toEqual(['c-4']);
  for (const id of ['c-1', 'c-2', 'c-3']) expect(calls.get(id)).toBe(1);

  const letters = await deadLetters.list(topic);
  expect(
    letters.map((letter) => [
      letter.headers[HEADER.eventId],
      letter.headers[DLQ_HEADER.classification],
      letter.headers[DLQ_HEADER.errorCode],
    ]),
  ).toEqual([
    ['c-1', 'non-retryable', '22021'],
    ['c-2', 'non-retryable', '08P01'],
    ['c-3', 'non-retryable', '22003'],
  ]);
});
