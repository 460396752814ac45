import { replayToTopic, type ReplaySelection } from '@orders/projector/src/operations';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import type { Io } from '../output';
import type { ReadModelTarget } from '../targets';
import { parseTime } from './audit';
import { withReadModels } from './read-models';

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
    const result = await withReadModels(target, (db) => replayToTopic(db, selection, topic, { brokers: options.brokers, clientId: 'ops-cli', logLevel: 'nothing' }));
    io.out(options.json ? JSON.stringify({ selection, ...result }, null, 2) : `replayed ${result.events} event(s) of ${result.orders} order(s) to ${result.topic}`);
    return result.events === 0 ? EXIT.problemFound : EXIT.ok;
  } catch (error) {
    // kafkajs's words for a topic the broker does not have (topics are never auto-created here).
    if (/does not host this topic-partition|UNKNOWN_TOPIC|not present in metadata/i.test((error as Error).message)) {
      io.err(`no topic ${topic} on the broker (create it first; the CLI never creates topics)`);
      return EXIT.problemFound;
    }
    throw error;
  }
}
