import { DeadLetters, type DeadLetter } from '@orders/messaging';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';

export interface DlqOptions {
  brokers: string;
  json: boolean;
  partition?: number;
  offset?: string;
  all: boolean;
  limit: number;
}

function summary(letter: DeadLetter) {
  return {
    dlq: `${letter.dlqTopic}/${letter.partition}@${letter.offset}`,
    origin: `${letter.origin.topic}/${letter.origin.partition}@${letter.origin.offset}`,
    eventType: letter.headers['event-type'] ?? '',
    eventId: letter.headers['event-id'] ?? '',
    classification: letter.error.classification,
    attempts: letter.error.attempts,
    error: `${letter.error.class}: ${letter.error.message}`,
    failedAt: letter.error.failedAt,
  };
}

/** `dlq list|show|redrive <topic> ...`: the dead letters of one topic (its name or its `.dlq`). */
export async function dlq(action: string | undefined, topic: string | undefined, options: DlqOptions, io: Io): Promise<ExitCode> {
  if (!action || !['list', 'show', 'redrive'].includes(action)) throw new UsageError('dlq list|show|redrive <topic> [--partition p] [--offset o] [--all]');
  if (!topic) throw new UsageError(`dlq ${action} needs a topic`);
  const letters = new DeadLetters({ kafka: { brokers: options.brokers, clientId: 'ops-cli', logLevel: 'nothing' } });
  try {
    if (action === 'list') {
      const found = await letters.list(topic, { partition: options.partition, limit: options.limit });
      const rows = found.map(summary);
      if (options.json) io.out(JSON.stringify(rows, null, 2));
      else io.out(renderTable(['dead letter', 'origin', 'event type', 'class.', 'tries', 'error'],
        rows.map((r) => [r.dlq, r.origin, r.eventType, r.classification, r.attempts, r.error.slice(0, 80)])));
      return EXIT.ok;
    }
    if (options.partition === undefined) throw new UsageError(`dlq ${action} needs --partition (and --offset${action === 'redrive' ? ' or --all' : ''})`);
    if (action === 'show') {
      if (options.offset === undefined) throw new UsageError('dlq show needs --offset');
      const letter = await letters.show(topic, options.partition, options.offset);
      if (!letter) {
        io.err(`no dead letter at ${topic} partition ${options.partition} offset ${options.offset}`);
        return EXIT.problemFound;
      }
      io.out(JSON.stringify({ ...summary(letter), key: letter.key, headers: letter.headers, value: letter.value?.toString('utf8') ?? null }, null, 2));
      return EXIT.ok;
    }
    if (options.all) {
      const moved = await letters.redriveAll(topic, { partition: options.partition });
      io.out(options.json ? JSON.stringify(moved, null, 2) : `redrove ${moved.length} dead letter(s) to their origin topic`);
      return EXIT.ok;
    }
    if (options.offset === undefined) throw new UsageError('dlq redrive needs --offset or --all');
    const moved = await letters.redrive(topic, options.partition, options.offset);
    io.out(options.json ? JSON.stringify(moved, null, 2)
      : `redrove ${moved.from.topic}/${moved.from.partition}@${moved.from.offset} to ${moved.to.topic}/${moved.to.partition}@${moved.to.offset}`);
    return EXIT.ok;
  } catch (error) {
    // kafkajs's words for a topic the broker does not have.
    if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test((error as Error).message)) {
      io.err(`no dead-letter topic for ${topic} (nothing was ever dead-lettered there, or the name is wrong)`);
      return EXIT.problemFound;
    }
    throw error;
  } finally {
    await letters.close();
  }
}
