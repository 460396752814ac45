import { listTopics, Publisher } from '@orders/messaging';
import {
  REPLAY_BATCH, replayedMessage, type ReplayableJournalRow as JournalRow, type ReplaySelection,
} from '@orders/read-model-protocol';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';
import { isMissingRelation, quoted, withPool } from '../stores';
import type { ReadModelTarget } from '../targets';
import { parseTime } from './audit';
import { replayContract, type ReplayContract } from './replay-contract';

export interface ReplayOptions {
  json: boolean;
  brokers: string;
  order?: string;
  company?: string;
  since?: string;
  toTopic: string;
  source?: string;
  types?: string[];
  dryRun: boolean;
  yes: boolean;
}

function selectionOf(options: ReplayOptions): ReplaySelection {
  if (options.order !== undefined && options.company === undefined && options.since === undefined)
    return { kind: 'order', orderId: options.order };
  if (options.company !== undefined && options.since !== undefined && options.order === undefined) {
    return { kind: 'company', tenantId: options.company, since: parseTime(options.since, '--since').toISOString() };
  }
  throw new UsageError('replay takes --order <id>, or --company <id> --since <time>');
}

/**
 * The projector's journal (its `events` table) read here rather than through its replay operation: that one sends
 * every event of the selection, and the contract filter has to apply before anything is sent. Commit order, as the
 * projector applied them, so each order's events keep their source order. The journal's `source` is the producing
 * service, or the topic itself for one the projector has no service name for.
 */
async function selectEvents(
  target: ReadModelTarget,
  selection: ReplaySelection,
  contract: ReplayContract,
): Promise<JournalRow[]> {
  const [where, params] =
    selection.kind === 'order'
      ? ['order_id = $1', [selection.orderId]]
      : ['tenant_id = $1 AND occurred_at >= $2::timestamptz', [selection.tenantId, selection.since]];
  const n = params.length;
  return withPool(
    target.connection,
    async (pool) =>
      (
        await pool.query<JournalRow>(
          `SELECT event_id, topic, kafka_partition, kafka_offset::text, type, schema_version, order_id, occurred_at,
              correlation_id, causation_id, payload
       FROM ${quoted(target.schema)}.events WHERE ${where} AND source = ANY($${n + 1}) AND type = ANY($${n + 2})
      ORDER BY transaction_id, position`,
          [...params, [contract.source, contract.contractTopic], contract.types],
        )
      ).rows,
  );
}

const topicExists = (brokers: string, topic: string): Promise<boolean> =>
  listTopics({ brokers, clientId: 'ops-cli', logLevel: 'nothing' }, topic).then((topics) => topics.includes(topic));

async function send(brokers: string, topic: string, rows: JournalRow[]): Promise<void> {
  const producer = new Publisher({ brokers, clientId: 'ops-cli', logLevel: 'nothing' }, 'replay');
  try {
    for (let i = 0; i < rows.length; i += REPLAY_BATCH) {
      await producer.send(topic, rows.slice(i, i + REPLAY_BATCH).map((row) => replayedMessage(row, 'ops-cli')));
    }
  } finally {
    await producer.close();
  }
}

function countByType(rows: JournalRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.type] = (counts[row.type] ?? 0) + 1;
  return counts;
}

/**
 * `replay (--order id | --company id --since t) --to-topic topic [--source s] [--type t]... [--dry-run] [--yes]`:
 * re-feeds a subset of one source's public events to a topic, only the types of that topic's contract.
 */
export async function replay(target: ReadModelTarget, options: ReplayOptions, io: Io): Promise<ExitCode> {
  const selection = selectionOf(options);
  const contract = replayContract(options.toTopic, { source: options.source, types: options.types });
  let rows: JournalRow[];
  try {
    rows = await selectEvents(target, selection, contract);
  } catch (error) {
    if (isMissingRelation(error))
      throw new Error(`no read models in schema ${target.schema} (has the projector run against this database?)`);
    throw error;
  }
  const orders = new Set(rows.map((r) => r.order_id)).size;
  const plan = {
    selection,
    topic: options.toTopic,
    contractTopic: contract.contractTopic,
    source: contract.source,
    types: contract.types,
    events: rows.length,
    orders,
    byType: countByType(rows),
  };
  if (rows.length === 0) {
    if (options.json) io.out(JSON.stringify({ ...plan, sent: false }, null, 2));
    io.err(`nothing to replay: no ${contract.types.join('/')} event from ${contract.source} in that selection`);
    return EXIT.problemFound;
  }
  if (!options.dryRun && !(await topicExists(options.brokers, options.toTopic))) {
    io.err(`no topic ${options.toTopic} on the broker (create it first; the CLI never creates topics)`);
    return EXIT.problemFound;
  }
  const summary = `${rows.length} event(s) of ${orders} order(s) from ${contract.source} (${Object.entries(plan.byType)
    .map(([t, c]) => `${c} ${t}`)
    .join(', ')})`;
  if (options.dryRun) {
    io.out(
      options.json
        ? JSON.stringify({ ...plan, sent: false, dryRun: true, eventIds: rows.map((r) => r.event_id) }, null, 2)
        : [
            `dry run: would replay ${summary} to ${options.toTopic}; nothing sent`,
            '',
            renderTable(
              ['order', 'event', 'event id', 'from'],
              rows.map((r) => [r.order_id, r.type, r.event_id, `${r.topic}/${r.kafka_partition}@${r.kafka_offset}`]),
            ),
          ].join('\n'),
    );
    return EXIT.ok;
  }
  // Only a person at a terminal is asked (processIo offers `confirm` only then); scripts pass --yes or no terminal.
  if (!options.yes && io.confirm && !(await io.confirm(`replay ${summary} to ${options.toTopic}? [y/N] `))) {
    io.err('not confirmed; nothing sent');
    return EXIT.problemFound;
  }
  await send(options.brokers, options.toTopic, rows);
  io.out(options.json ? JSON.stringify({ ...plan, sent: true }, null, 2) : `replayed ${summary} to ${options.toTopic}`);
  return EXIT.ok;
}
