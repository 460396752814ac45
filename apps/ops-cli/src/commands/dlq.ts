import { userInfo } from 'node:os';
import { DeadLetters, DLQ_HEADER, type DeadLetter, type RedriveResult } from '@orders/messaging';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { HandledLetters, letterKey, type HandledMark, type HandledTarget } from '../dlq-handled';
import { renderTable, type Io } from '../output';
import { dlqOverview } from './dlq-overview';

export interface DlqOptions {
  brokers: string;
  json: boolean;
  partition?: number;
  offset?: string;
  all: boolean;
  limit: number;
  note?: string;
  /** `list --all`: only dead-letter topics whose name starts with it. */
  prefix?: string;
  /** Who handles the letters (`--by`, else the login name). */
  by?: string;
  /** Where the handled marks live. */
  marks: HandledTarget;
}

const dlqName = (topic: string): string => (topic.endsWith('.dlq') ? topic : `${topic}.dlq`);

function markText(mark: HandledMark | undefined): string {
  if (!mark) return 'open';
  const what = mark.action === 'redriven' ? `redriven${mark.redrivenTo ? ` to ${mark.redrivenTo}` : ''}` : 'resolved';
  return `${what} by ${mark.by} ${mark.at}${mark.note ? ` (${mark.note})` : ''}`;
}

function summary(letter: DeadLetter, mark: HandledMark | undefined) {
  return {
    dlq: letterKey(letter.dlqTopic, letter.partition, letter.offset),
    origin: `${letter.origin.topic}/${letter.origin.partition}@${letter.origin.offset}`,
    eventType: letter.headers['event-type'] ?? '',
    eventId: letter.headers['event-id'] ?? '',
    classification: letter.error.classification,
    attempts: letter.error.attempts,
    error: `${letter.error.class}: ${letter.error.message}`,
    failedAt: letter.error.failedAt,
    redrivenFrom: letter.headers[DLQ_HEADER.redrivenFrom] ?? null,
    handled: mark ?? null,
  };
}

function operator(options: DlqOptions): string {
  if (options.by) return options.by;
  try {
    return userInfo().username;
  } catch {
    return 'unknown'; // a container user without a passwd entry
  }
}

/** Consecutive letters of one partition that no one has handled: each run is one range to redrive. */
function openRuns(letters: DeadLetter[], marks: Map<string, HandledMark>): DeadLetter[][] {
  const runs: DeadLetter[][] = [];
  let run: DeadLetter[] = [];
  for (const letter of letters) {
    const handled = marks.has(letterKey(letter.dlqTopic, letter.partition, letter.offset));
    const last = run[run.length - 1];
    if (handled || (last && last.partition !== letter.partition)) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (!handled) run.push(letter);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

async function redriveAndMark(
  letters: DeadLetters,
  marks: HandledLetters,
  topic: string,
  options: DlqOptions,
): Promise<RedriveResult[]> {
  let moved: RedriveResult[];
  if (options.all) {
    // Letters already redriven or resolved stay where they are: sending them again would repeat the failure.
    const found = await letters.list(topic, { partition: options.partition });
    const handled = await marks.of([dlqName(topic)]);
    moved = [];
    for (const run of openRuns(found, handled)) {
      const first = run[0] as DeadLetter;
      const last = run[run.length - 1] as DeadLetter;
      moved.push(
        ...(await letters.redriveAll(topic, {
          partition: first.partition,
          fromOffset: first.offset,
          toOffset: last.offset,
        })),
      );
    }
  } else {
    moved = [await letters.redrive(topic, options.partition as number, options.offset as string)];
  }
  for (const m of moved) {
    await marks
      .mark({
        dlqTopic: m.from.topic,
        partition: m.from.partition,
        offset: m.from.offset,
        action: 'redriven',
        by: operator(options),
        note: options.note ?? null,
        redrivenTo: `${m.to.topic}/${m.to.partition}@${m.to.offset}`,
      })
      .catch((error: Error) => {
        // The letters are on their way already: say which ones, so the operator can mark them with `dlq resolve`.
        throw new Error(
          `redrove ${moved.map((r) => letterKey(r.from.topic, r.from.partition, r.from.offset)).join(', ')} but could not mark them handled: ${error.message}`,
        );
      });
  }
  return moved;
}

async function list(
  letters: DeadLetters,
  marks: HandledLetters,
  topic: string,
  options: DlqOptions,
  io: Io,
): Promise<ExitCode> {
  const found = await letters.list(topic, { partition: options.partition, limit: options.limit });
  // The letters are the broker's; without the marks' database they are still worth seeing, marked unknown.
  const handled = await marks.of([dlqName(topic)]).catch((error: Error) => {
    io.err(`ops: handled marks not read (${error.message}); the handled column shows ?`);
    return undefined;
  });
  const rows = found.map((letter) =>
    summary(letter, handled?.get(letterKey(letter.dlqTopic, letter.partition, letter.offset))),
  );
  if (options.json) io.out(JSON.stringify(rows, null, 2));
  else
    io.out(
      renderTable(
        ['dead letter', 'origin', 'event type', 'class.', 'tries', 'handled', 'error'],
        rows.map((r) => [
          r.dlq,
          r.origin,
          r.eventType,
          r.classification,
          r.attempts,
          handled ? markText(r.handled ?? undefined) : '?',
          r.error.slice(0, 80),
        ]),
      ),
    );
  return EXIT.ok;
}

/** `dlq list|show|redrive|resolve <topic> ...` and `dlq list --all`: dead letters and what became of them. */
export async function dlq(
  action: 'list' | 'show' | 'redrive' | 'resolve',
  topic: string | undefined,
  options: DlqOptions,
  io: Io,
): Promise<ExitCode> {
  const kafka = { brokers: options.brokers, clientId: 'ops-cli', logLevel: 'nothing' as const };
  if (action === 'list' && options.all) {
    if (topic) throw new UsageError('dlq list --all takes no topic');
    return dlqOverview(kafka, options.marks, { json: options.json, prefix: options.prefix }, io);
  }
  if (!topic) throw new UsageError(`dlq ${action} needs a topic (or, for list, --all)`);
  const letters = new DeadLetters({ kafka });
  const marks = new HandledLetters(options.marks);
  try {
    if (action === 'list') return await list(letters, marks, topic, options, io);
    if (options.partition === undefined)
      throw new UsageError(`dlq ${action} needs --partition (and --offset${action === 'redrive' ? ' or --all' : ''})`);
    if (action === 'redrive' && options.all) {
      const moved = await redriveAndMark(letters, marks, topic, options);
      io.out(
        options.json
          ? JSON.stringify(moved, null, 2)
          : `redrove ${moved.length} open dead letter(s) to their origin topic (handled ones left alone); marked redriven`,
      );
      return EXIT.ok;
    }
    if (options.offset === undefined)
      throw new UsageError(`dlq ${action} needs --offset${action === 'redrive' ? ' or --all' : ''}`);
    const letter = await letters.show(topic, options.partition, options.offset);
    if (!letter) {
      io.err(`no dead letter at ${dlqName(topic)} partition ${options.partition} offset ${options.offset}`);
      return EXIT.problemFound;
    }
    const mark = (await marks.of([letter.dlqTopic])).get(letterKey(letter.dlqTopic, letter.partition, letter.offset));
    if (action === 'show') {
      io.out(
        JSON.stringify(
          {
            ...summary(letter, mark),
            key: letter.key,
            headers: letter.headers,
            value: letter.value?.toString('utf8') ?? null,
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    if (action === 'resolve') {
      const resolved = await marks.mark({
        dlqTopic: letter.dlqTopic,
        partition: letter.partition,
        offset: letter.offset,
        action: 'resolved',
        by: operator(options),
        note: options.note ?? null,
        redrivenTo: null,
      });
      io.out(
        options.json
          ? JSON.stringify(resolved, null, 2)
          : `resolved ${letterKey(letter.dlqTopic, letter.partition, letter.offset)}: ${markText(resolved)}`,
      );
      return EXIT.ok;
    }
    const [moved] = await redriveAndMark(letters, marks, topic, options);
    const m = moved as RedriveResult;
    io.out(
      options.json
        ? JSON.stringify(m, null, 2)
        : `redrove ${m.from.topic}/${m.from.partition}@${m.from.offset} to ${m.to.topic}/${m.to.partition}@${m.to.offset}; marked redriven${mark ? ` (it was already ${markText(mark)})` : ''}`,
    );
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
    await marks.close();
  }
}
