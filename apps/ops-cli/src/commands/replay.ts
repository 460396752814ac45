import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import type { Io } from '../output';
import { ProjectorOperationError, runProjectorOperation } from '../projector-operations';
import type { ReadModelTarget } from '../targets';
import { parseTime } from './audit';
import type { ReplayResult } from './read-models';

type ReplaySelection = { kind: 'order'; orderId: string } | { kind: 'company'; tenantId: string; since: string };

export interface ReplayOptions {
  json: boolean;
  brokers: string;
  order?: string;
  company?: string;
  since?: string;
  toTopic?: string;
}

function selectionOf(options: ReplayOptions): ReplaySelection {
  if (options.order !== undefined && options.company === undefined && options.since === undefined) return { kind: 'order', orderId: options.order };
  if (options.company !== undefined && options.since !== undefined && options.order === undefined) {
    return { kind: 'company', tenantId: options.company, since: parseTime(options.since, '--since').toISOString() };
  }
  throw new UsageError('replay takes --order <id>, or --company <id> --since <time>');
}

/** `replay (--order id | --company id --since t) --to-topic topic`: re-feeds a subset of events to one consumer. */
export async function replay(target: ReadModelTarget, options: ReplayOptions, io: Io): Promise<ExitCode> {
  const selection = selectionOf(options);
  if (!options.toTopic) throw new UsageError('replay needs --to-topic <topic>');
  const topic = options.toTopic;
  try {
    const result = await runProjectorOperation<ReplayResult>('replay', target, { selection, topic, brokers: options.brokers });
    io.out(options.json ? JSON.stringify({ selection, ...result }, null, 2) : `replayed ${result.events} event(s) of ${result.orders} order(s) to ${result.topic}`);
    return result.events === 0 ? EXIT.problemFound : EXIT.ok;
  } catch (error) {
    if (error instanceof ProjectorOperationError && error.code === 'UNKNOWN_TOPIC') {
      io.err(`no topic ${topic} on the broker (create it first; the CLI never creates topics)`);
      return EXIT.problemFound;
    }
    throw error;
  }
}
