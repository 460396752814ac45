import { EXIT, type ExitCode } from '../exit-codes';
import { listTopics, topicOffsets } from '@orders/messaging';
import { HandledLetters, type HandledTarget } from '../dlq-handled';
import { renderTable, type Io } from '../output';

export interface DeadLetterCount {
  dlqTopic: string;
  origin: string;
  /** Letters the log still holds (retention may have dropped older ones). */
  letters: number;
  /** Of those, redriven or resolved; null when the marks could not be read. */
  handled: number | null;
  open: number | null;
}

/**
 * Every `.dlq` topic on the broker with how many letters it holds and how many are still open. Counts come from the
 * partitions' offsets (high - low: a dead-letter topic is never compacted), so no letter is read.
 */
export async function deadLetterCounts(
  brokers: string,
  marksTarget: HandledTarget | undefined,
  prefix = '',
): Promise<{ counts: DeadLetterCount[]; marksError?: string }> {
  const kafka = { brokers, clientId: 'ops-cli', logLevel: 'nothing' as const };
  const topics = (await listTopics(kafka, prefix)).filter((t) => t.endsWith('.dlq'));
  const bounds = await topicOffsets(kafka, topics);
  const lows = new Map<string, Map<number, bigint>>();
  const counts: DeadLetterCount[] = [];
  for (const [dlqTopic, partitions] of bounds) {
    if (!partitions) continue; // deleted since it was listed
    lows.set(dlqTopic, new Map(partitions.map((p) => [p.partition, p.low])));
    const letters = partitions.reduce((sum, p) => sum + Number(p.high - p.low), 0);
    counts.push({ dlqTopic, origin: dlqTopic.slice(0, -'.dlq'.length), letters, handled: null, open: null });
  }
  if (!marksTarget || counts.length === 0) return { counts };
  const marks = new HandledLetters(marksTarget);
  try {
    const all = await marks.of(counts.map((c) => c.dlqTopic));
    for (const count of counts) {
      // A mark of a letter that retention already removed no longer counts.
      const handled = [...all.values()].filter(
        (m) => m.dlqTopic === count.dlqTopic && BigInt(m.offset) >= (lows.get(count.dlqTopic)?.get(m.partition) ?? 0n),
      ).length;
      count.handled = handled;
      count.open = Math.max(0, count.letters - handled);
    }
    return { counts };
  } catch (error) {
    return { counts, marksError: (error as Error).message };
  } finally {
    await marks.close();
  }
}

/** `dlq list --all`: the overview across every dead-letter topic. */
export async function dlqOverview(
  kafka: { brokers: string },
  marks: HandledTarget,
  options: { json: boolean; prefix?: string },
  io: Io,
): Promise<ExitCode> {
  const { counts, marksError } = await deadLetterCounts(kafka.brokers, marks, options.prefix);
  const json = options.json;
  if (marksError) io.err(`ops: handled marks not read (${marksError}); counts show letters only`);
  if (json) io.out(JSON.stringify(counts, null, 2));
  else if (counts.length === 0) io.out('no dead-letter topics on the broker');
  else
    io.out(
      renderTable(
        ['dead-letter topic', 'letters', 'handled', 'open'],
        counts.map((c) => [c.dlqTopic, c.letters, c.handled ?? '?', c.open ?? '?']),
      ),
    );
  return EXIT.ok;
}
