// The stream consumer (no inbox) against the real broker: order per key across concurrent partitions, dead letters
// from the decoder and from the handler with the standard headers, and committed offsets surviving a restart.
import {
  createStreamConsumer,
  DeadLetters,
  DLQ_HEADER,
  HEADER,
  jsonDecoder,
  provisionTopics,
  type StreamConsumer,
  type StreamMessage,
} from '../src';
import { kafkaOptions, unique, until, upstream } from './support';

let source: Awaited<ReturnType<typeof upstream>>;
const running: StreamConsumer[] = [];
const deadLetters = new DeadLetters({ kafka: kafkaOptions() });

beforeAll(async () => {
  source = await upstream();
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await deadLetters.close();
  await source?.close();
});

const KEYS = ['k-0', 'k-1', 'k-2', 'k-3', 'k-4', 'k-5'];
const SEQS = 20;
const event = (key: string, seq: number, value = JSON.stringify({ seq })) => ({
  key,
  value,
  headers: { [HEADER.eventId]: `${key}/${seq}`, [HEADER.eventType]: 'Tick' },
});

describe('stream consumer', () => {
  it('keeps order per key, dead-letters refused messages with dlq-* headers, and resumes after its committed offsets', async () => {
    const topic = unique('msg-it.stream');
    const groupId = unique('it-stream');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 3 }]);
    const seen: StreamMessage[] = [];
    const start = async (): Promise<StreamConsumer> => {
      const consumer = createStreamConsumer({
        kafka: kafkaOptions(),
        groupId,
        topics: [topic],
        decode: jsonDecoder,
        partitionsConsumedConcurrently: 3,
        handle: async (batch) => {
          for (const message of batch.messages) {
            if ((message.payload as { refuse?: boolean }).refuse) batch.reject(message, 'refused by the handler');
            else seen.push(message);
          }
          await Promise.resolve(); // asynchronous work: offsets wait for it
        },
      });
      running.push(consumer);
      await consumer.start();
      return consumer;
    };
    const first = await start();

    const messages = [];
    for (let seq = 0; seq < SEQS; seq++) messages.push(...KEYS.map((key) => event(key, seq)));
    messages.push(event('k-bad', 0, '{"broken": '), event('k-refused', 0, JSON.stringify({ refuse: true })));
    await source.send(topic, messages);
    await until('every good message handled', () => seen.length === KEYS.length * SEQS);
    for (const key of KEYS) {
      expect(seen.filter((m) => m.key === key).map((m) => (m.payload as { seq: number }).seq)).toEqual([
        ...Array(SEQS).keys(),
      ]);
    }

    await until('two dead letters', async () => (await deadLetters.list(topic)).length === 2);
    const letters = await deadLetters.list(topic);
    const malformed = letters.find((l) => l.key === 'k-bad');
    const refused = letters.find((l) => l.key === 'k-refused');
    expect(malformed).toMatchObject({
      origin: { topic, groupId },
      error: { class: 'DecodeError', classification: 'malformed', attempts: 0 },
    });
    expect(refused).toMatchObject({
      origin: { topic, groupId },
      error: { class: 'Rejected', message: 'refused by the handler', classification: 'invalid', attempts: 1 },
    });
    for (const letter of [malformed, refused]) {
      expect(Object.keys(letter?.headers ?? {})).toEqual(
        expect.arrayContaining(
          Object.values(DLQ_HEADER).filter((h) => h !== DLQ_HEADER.errorCode && h !== DLQ_HEADER.redrivenFrom),
        ),
      );
      expect(letter?.headers[DLQ_HEADER.originOffset]).toBe(letter?.origin.offset);
    }

    // a restart of the group resumes after the committed offsets: only the new message is handled
    await first.stop();
    seen.length = 0;
    await start();
    await source.send(topic, [event('k-0', SEQS)]);
    await until('the message sent after the restart handled', () => seen.length >= 1);
    expect(seen.map((m) => m.headers[HEADER.eventId])).toEqual([`k-0/${SEQS}`]);
    expect(await deadLetters.list(topic)).toHaveLength(2);
  });

  it('without a decoder reads the type from its header and hands the raw value; headerEquals compares header bytes', async () => {
    const topic = unique('msg-it.stream-raw');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
    const seen: { type: string; payload: unknown; checks: boolean[] }[] = [];
    const consumer = createStreamConsumer({
      kafka: kafkaOptions(),
      groupId: unique('it-stream-raw'),
      topics: [topic],
      handle: (batch) => {
        for (const m of batch.messages) {
          seen.push({
            type: m.type,
            payload: m.payload,
            checks: [
              m.headerEquals(HEADER.eventType, 'Tick'),
              m.headerEquals(HEADER.eventType, 'Tock'),
              m.headerEquals(HEADER.eventType, 'Tic'),
              m.headerEquals('note', 'café'),
              m.headerEquals('note', 'cafe'),
              m.headerEquals('absent', ''),
            ],
          });
        }
      },
    });
    running.push(consumer);
    await consumer.start();
    await source.send(topic, [
      {
        key: 'k',
        value: '{"raw":true}',
        headers: { [HEADER.eventId]: 'e-1', [HEADER.eventType]: 'Tick', note: 'café' },
      },
    ]);
    await until('the message handled', () => seen.length === 1);
    expect(seen[0].type).toBe('Tick');
    expect(Buffer.isBuffer(seen[0].payload) && seen[0].payload.toString()).toBe('{"raw":true}');
    expect(seen[0].checks).toEqual([true, false, false, true, false, false]);
  });
});
