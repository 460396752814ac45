import { AssignerProtocol, Kafka, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import { DLQ_HEADER } from '../headers';
import { DeadLetters, type DeadLetter } from '../dead-letters';
import {
  hostileMessages, HOSTILE_ID_HEADER, validHeaders, type HostileMessage, type ValidTemplate,
} from './hostile-messages';

/*
 * One round of a hostile-input suite against a running service: every hostile message, then one valid message,
 * produced to ONE partition (so the valid one waits behind them all: it is applied only if none held the
 * partition); then the hostile ones are looked up in `<topic>.dlq` and the group's lag must return to 0.
 */

/** Polls until `accept` holds (never a fixed sleep); rejects with the last value seen after `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 40_000, everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value)?.slice(0, 500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface HostileRoundOptions {
  readonly brokers: string[];
  readonly topic: string;
  readonly groupId: string;
  readonly partition?: number;
}

/** A broker-side view of a round: the producer, the DLQ reader and the admin client, closed together. */
export class HostileRound {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly deadLetters: DeadLetters;

  constructor(private readonly options: HostileRoundOptions) {
    this.kafka = new Kafka({
      clientId: `hostile-${options.groupId}`, brokers: options.brokers, logLevel: logLevel.NOTHING,
    });
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    this.admin = this.kafka.admin();
    this.deadLetters = new DeadLetters({ kafka: { brokers: options.brokers, logLevel: 'nothing' } });
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.admin.disconnect(), this.deadLetters.close()]);
  }

  /**
   * Produces the messages in order to one partition. Sends are split so no request exceeds the broker's 1 MiB
   * batch limit (the oversized messages are about half of it each).
   */
  async send(messages: readonly Pick<HostileMessage, 'key' | 'value' | 'headers'>[]): Promise<void> {
    const partition = this.options.partition ?? 0;
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length > 0) await this.producer.send({ topic: this.options.topic, acks: -1, messages: chunk });
      chunk = [];
      bytes = 0;
    };
    for (const message of messages) {
      const size = message.value?.length ?? 0;
      if (bytes + size > 400_000) await flush();
      chunk.push({ key: message.key, value: message.value, headers: message.headers, partition });
      bytes += size;
    }
    await flush();
  }

  /** Waits until every hostile message is on the DLQ; returns each one's dead letter by hostile id. */
  async deadLettered(messages: readonly HostileMessage[], timeoutMs?: number): Promise<Map<string, DeadLetter>> {
    const ids = new Set(messages.map((message) => message.id));
    let found = new Map<string, DeadLetter>();
    try {
      await until(async () => {
        found = new Map();
        for (const letter of await this.deadLetters.list(this.options.topic)) {
          const id = letter.headers[HOSTILE_ID_HEADER];
          if (id !== undefined && ids.has(id)) found.set(id, letter);
        }
        return found.size;
      }, (size) => size === ids.size, timeoutMs);
    } catch (error) {
      // name the first message missing: usually the one holding the partition
      const missing = messages.find((message) => !found.has(message.id));
      throw new Error(
        `${found.size} of ${ids.size} dead letters found; first missing: ${missing?.id} (${missing?.kind}): ` +
          (error as Error).message,
      );
    }
    return found;
  }

  /** Messages whose dead letter is missing, has no reason, or a classification their kind does not allow. */
  static mismatches(messages: readonly HostileMessage[], letters: Map<string, DeadLetter>): string[] {
    const wrong: string[] = [];
    for (const message of messages) {
      const letter = letters.get(message.id);
      const classification = letter?.headers[DLQ_HEADER.classification];
      const reason = letter?.headers[DLQ_HEADER.errorMessage];
      if (!letter || !reason || !message.expected.includes(classification as never)) {
        wrong.push(`${message.id} (${message.kind}): ${classification ?? 'not dead-lettered'} – ${reason ?? ''}`);
      }
    }
    return wrong;
  }

  /** The group's committed offsets behind the high watermark, summed over the topic's partitions. */
  async lag(): Promise<number> {
    const { topic, groupId } = this.options;
    const [ends, [committed]] = await Promise.all([
      this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
    return ends.reduce((sum, end) => sum + Number(BigInt(end.high) - (at.get(end.partition) ?? 0n)), 0);
  }

  /**
   * Waits until a member of the group has been assigned the topic: the service created it and consumes, however
   * its app wires and starts the consumer (the suites depend on no app class for this).
   */
  async waitForAssignment(timeoutMs?: number): Promise<void> {
    const { topic, groupId } = this.options;
    await until(async () => {
      const { groups: [group] } = await this.admin.describeGroups([groupId]);
      if (group?.state !== 'Stable') return false;
      return group.members.some((member) => {
        const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        return (decoded?.assignment[topic]?.length ?? 0) > 0;
      });
    }, (assigned) => assigned, timeoutMs ?? 60_000);
  }

  async waitForZeroLag(timeoutMs?: number): Promise<void> {
    await until(() => this.lag(), (lag) => lag === 0, timeoutMs);
  }
}

export interface HostileTopicRun extends HostileRoundOptions {
  readonly template: ValidTemplate;
  readonly count: number;
  readonly seed: number;
  /** Whether the service applied the valid message (by its event id): an inbox row, a counter, a view. */
  readonly applied: (eventId: string) => Promise<boolean>;
  readonly timeoutMs?: number;
}

export interface HostileTopicResult {
  readonly sent: number;
  readonly kinds: Readonly<Record<string, number>>;
  /** Hostile messages missing from the DLQ or dead-lettered for the wrong reason; empty when all is well. */
  readonly mismatches: readonly string[];
}

/** The whole round for one topic: send, find every dead letter, see the valid one applied and the lag back at 0. */
export async function runHostileTopic(run: HostileTopicRun): Promise<HostileTopicResult> {
  const round = new HostileRound(run);
  await round.connect();
  try {
    // ids unique per topic, type and seed: several rounds may share a topic (and its DLQ)
    const prefix = `${run.topic}-${run.template.eventType}-${run.seed}`;
    const hostile = hostileMessages(run.template, { count: run.count, seed: run.seed, idPrefix: `${prefix}-h` });
    const validId = `${prefix}-valid`;
    const valid = {
      key: run.template.key, value: Buffer.from(JSON.stringify(run.template.payload)),
      headers: validHeaders(run.template, validId),
    };
    await round.waitForAssignment();
    await round.send([...hostile, valid]);
    const letters = await round.deadLettered(hostile, run.timeoutMs);
    await until(() => run.applied(validId), (applied) => applied, run.timeoutMs);
    await round.waitForZeroLag(run.timeoutMs);
    const kinds: Record<string, number> = {};
    for (const message of hostile) kinds[message.kind] = (kinds[message.kind] ?? 0) + 1;
    return { sent: hostile.length, kinds, mismatches: HostileRound.mismatches(hostile, letters) };
  } finally {
    await round.close();
  }
}

/** Deletes a suite's own topics (the hostile ones hold megabytes of oversized values); refuses an empty prefix. */
export async function deleteTopicsWithPrefix(brokers: string[], prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete topics without a prefix');
  const admin = new Kafka({ clientId: 'hostile-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** The fewest kinds of hostile message a round of a hundred or so must cover, or it proves too little. */
const MIN_HOSTILE_KINDS = 14;

/**
 * A jest assertion over one topic's whole round (the services' hostile-Kafka suites): every hostile message
 * dead-lettered for its reason, all of them sent, enough kinds covered, the valid one applied and the lag at 0.
 */
export async function expectHostileTopicHandled(run: HostileTopicRun): Promise<HostileTopicResult> {
  const result = await runHostileTopic(run);
  expect(result.mismatches).toEqual([]);
  expect(result.sent).toBe(run.count);
  expect(Object.keys(result.kinds).length).toBeGreaterThanOrEqual(MIN_HOSTILE_KINDS);
  return result;
}
