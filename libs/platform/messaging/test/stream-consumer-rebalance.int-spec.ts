// The stream consumer fetching ahead (PartitionLanes) through two rebalances under load, against the real broker:
// member B joins while A's lanes hold queued batches, then A stops. Nothing may be lost, each key stays in order
// (a redelivery restarts from a committed offset, then climbs again contiguously), and what the last member
// committed on stop is where a fresh member of the group starts.
import type { Consumer } from 'kafkajs';
import { createStreamConsumer, HEADER, provisionTopics, type StreamConsumer } from '../src';
import { kafkaOptions, unique, until, useUpstreamAndConsumers } from './support';

const upstream = useUpstreamAndConsumers();
const { running } = upstream;

const PARTITIONS = 4;
// Three keys per partition, placed explicitly (the partitioner's hash could put them all on one partition).
const KEYS = Array.from({ length: PARTITIONS * 3 }, (_, i) => ({ key: `k-${i}`, partition: i % PARTITIONS }));
const event = (key: string, partition: number, seq: number) => ({
  key,
  partition,
  value: String(seq),
  headers: { [HEADER.eventId]: `${key}/${seq}`, [HEADER.eventType]: 'Tick' },
});
const MARKER = 'marker';

/** One message's effect, applied when its batch's work finished; `joins`: how often the member had joined the group when that work began. */
interface Handled {
  member: string;
  key: string;
  seq: number;
  joins: number;
}

/**
 * Where one member's handling of one key does not climb by exactly one. Each such break must come with a rejoin of
 * that member (a rebalance handing its partitions out afresh) between the two batches' starts, and go back to a
 * committed offset: not below where the member's previous run of the key started (it read that run from a commit, and
 * commits only go up).
 */
function breaksOf(handled: readonly Handled[], member: string, key: string) {
  const breaks: Array<{ from: number; to: number; runStart: number; afterRejoin: boolean }> = [];
  let previous: Handled | undefined;
  let runStart = 0;
  for (const entry of handled) {
    if (entry.member !== member || entry.key !== key) continue;
    if (!previous) runStart = entry.seq;
    else if (entry.seq !== previous.seq + 1) {
      breaks.push({ from: previous.seq, to: entry.seq, runStart, afterRejoin: entry.joins > previous.joins });
      runStart = entry.seq;
    }
    previous = entry;
  }
  return breaks;
}

describe('stream consumer under rebalances', () => {
  it('loses nothing, keeps each key in order, and commits what it handled when members join and leave under load', async () => {
    const topic = unique('msg-it.rebalance');
    const groupId = unique('it-rebalance');
    await provisionTopics(kafkaOptions(), [{ topic, partitions: PARTITIONS }]);
    // One timeline for both members, in the order the effects were applied (one process: push order is that order).
    const handled: Handled[] = [];
    const joins = new Map<string, number>();
    const member = (name: string): StreamConsumer => {
      const consumer = createStreamConsumer({
        kafka: kafkaOptions(),
        groupId,
        topics: [topic],
        sessionTimeoutMs: 6000,
        partitionsConsumedConcurrently: PARTITIONS,
        fetchAhead: 3,
        provisionDeadLetterTopics: false, // nothing is rejected; and so start() makes its kafkajs consumer before it first waits
        handle: async (batch) => {
          const joinsAtStart = joins.get(name) ?? 0;
          // A little asynchronous work per batch, of varying length, so each lane holds batches fetched ahead when the
          // group rebalances, and a batch overtaking the one before it would apply its effects first.
          await new Promise((resolve) => setTimeout(resolve, 5 + (Number(batch.messages[0].offset) % 4) * 20));
          for (const message of batch.messages)
            handled.push({
              member: name,
              key: message.key ?? '',
              seq: Number(message.value?.toString()),
              joins: joinsAtStart,
            });
        },
      });
      running.push(consumer);
      return consumer;
    };
    /** Starts a member, counting every join of it (the first included: its listener is on before the consumer connects). */
    const join = async (name: string, consumer: StreamConsumer) => {
      const starting = consumer.start();
      const group = (consumer as unknown as { consumer: Consumer }).consumer;
      group.on(group.events.GROUP_JOIN, () => joins.set(name, (joins.get(name) ?? 0) + 1));
      await starting;
    };
    const countOf = (name: string) => handled.filter((h) => h.member === name).length;

    // Keeps producing one message per key per round until told to stop; pacing only, no synchronisation.
    let sent = 0;
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await upstream.source.send(
          topic,
          KEYS.map(({ key, partition }) => event(key, partition, sent)),
        );
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const a = member('A');
    await join('A', a);
    await until('A handling under load', () => countOf('A') >= 200);
    const b = member('B');
    await join('B', b); // resolves once the group (A rejoined) assigned B its partitions
    const sentWhenBJoined = sent;
    await until('B handling what was sent after it joined', () =>
      handled.some((h) => h.member === 'B' && h.seq > sentWhenBJoined),
    );
    const aBeforeStop = countOf('A');
    await until('A still handling after the first rebalance', () => countOf('A') > aBeforeStop + 24);
    await a.stop();
    const sentWhenAStopped = sent;
    await until("B handling every key past A's stop", () =>
      KEYS.every(({ key }) => handled.some((h) => h.member === 'B' && h.key === key && h.seq > sentWhenAStopped)),
    );
    producing = false;
    await producer;
    const last = sent - 1;
    await until('B handled the last message of every key', () =>
      KEYS.every(({ key }) => handled.some((h) => h.member === 'B' && h.key === key && h.seq === last)),
    );

    for (const { key } of KEYS) {
      const ofKey = handled.filter((h) => h.key === key);
      // Nothing lost, and first handlings in order: every seq first handled after all the earlier ones.
      expect([...new Set(ofKey.map((h) => h.seq))]).toEqual([...Array(last + 1).keys()]);
      for (const member of ['A', 'B']) {
        // Each member's handling of a key climbs by one, except where a rebalance handed the partition out again:
        // then it restarts from a committed offset (a redelivery) and climbs again. (Going forward over seqs is ruled
        // out for the seqs nobody handled by the first-seen check above, and is not expected here: A never gets a
        // partition back, B never loses one.)
        for (const step of breaksOf(handled, member, key)) {
          expect({ key, member, ...step }).toEqual({
            key,
            member,
            ...step,
            afterRejoin: true,
            to: Math.min(step.to, step.from),
          });
          expect(step.to).toBeGreaterThanOrEqual(step.runStart);
        }
      }
    }
    // A went on handling after B joined: the first rebalance happened under load, not after A was done.
    expect(handled.some((h) => h.member === 'A' && h.seq > sentWhenBJoined)).toBe(true);

    // B's stop commits everything it handled: a fresh member starts past it, so the markers are all it sees.
    await b.stop();
    const fresh: Handled[] = [];
    const c = createStreamConsumer({
      kafka: kafkaOptions(),
      groupId,
      topics: [topic],
      handle: (batch) =>
        void fresh.push(
          ...batch.messages.map((m) => ({ member: 'C', key: m.key ?? '', seq: Number(m.value?.toString()), joins: 0 })),
        ),
    });
    running.push(c);
    await c.start();
    await upstream.source.send(
      topic,
      Array.from({ length: PARTITIONS }, (_, partition) => ({
        key: MARKER,
        partition,
        value: '-1',
        headers: { [HEADER.eventType]: 'Marker' },
      })),
    );
    await until(
      'C handled the marker of every partition',
      () => fresh.filter((h) => h.key === MARKER).length === PARTITIONS,
    );
    expect(fresh.filter((h) => h.key !== MARKER)).toEqual([]);
  }, 60_000);
});
