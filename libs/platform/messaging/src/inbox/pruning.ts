import type { Pool } from 'pg';
import { assertSchemaName } from '@orders/event-store';
import type { MessagingLogger } from '../kafka';
import { inboxPruned } from '../metrics';
import { DEFAULT_INBOX_SCHEMA } from './migrations';

const DAY_MS = 86_400_000;

/**
 * How long an inbox row is kept by default: 35 days. The inbox only protects against messages Kafka can still hand
 * to the group, so its retention must exceed every way a handled message can come back:
 * - a re-read of the topic (offsets reset to the earliest, a group re-created under the same id, a rebalance after a
 *   long outage) returns anything the topic still retains: up to its `retention.ms` (30 days at most in the
 *   catalogue of @orders/contracts; Kafka's own default is 7);
 * - a dead-letter redrive re-publishes the message with its original `event-id` to the origin topic, for every group
 *   of that topic, as long as the DLQ keeps it (30 days);
 * - relay re-publishes after a crash come minutes after the original.
 * Past the retention a redelivered message is applied again, so a service consuming a topic kept longer (or a
 * compacted one, kept for ever: consume those with idempotent handlers) must raise it. Days of slack cover a clock
 * or schedule that is off.
 */
export const DEFAULT_INBOX_RETENTION_MS = 35 * DAY_MS;
const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_INTERVAL_MS = 60 * 60_000;

export interface PruneInboxOptions {
  pool: Pool;
  /** Default 'messaging'. */
  schema?: string;
  /** Only this consumer group's rows (default: every group's). */
  groupId?: string;
  /** Rows handled longer ago than this are deleted (default 35 days, by the database clock, as `handled_at` is). */
  retentionMs?: number;
  /** Rows per DELETE, each its own short transaction (default 1000). */
  batchSize?: number;
  /** Stop after this many statements (default: until nothing is left to prune). */
  maxBatches?: number;
  /** Checked between statements: a stopping consumer does not wait for a long backlog. */
  signal?: AbortSignal;
}

/**
 * Deletes inbox rows older than the retention in small batches, oldest first, and returns how many went. Each batch is
 * one autocommit DELETE of at most `batchSize` rows found through the `handled_at` index and locked with SKIP LOCKED,
 * so it holds row locks for one short statement and never waits on (or blocks) the consumers' inserts.
 */
export async function pruneInbox(options: PruneInboxOptions): Promise<number> {
  const schema = options.schema ?? DEFAULT_INBOX_SCHEMA;
  assertSchemaName(schema);
  const retentionMs = options.retentionMs ?? DEFAULT_INBOX_RETENTION_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(retentionMs > 0) || !(batchSize >= 1)) throw new Error('pruneInbox: retentionMs > 0 and batchSize >= 1');
  const table = `"${schema}".inbox`;
  const sql = `DELETE FROM ${table} WHERE (group_id, message_id) IN (
      SELECT group_id, message_id FROM ${table}
      WHERE handled_at < clock_timestamp() - $1::bigint * interval '1 millisecond' AND ($2::text IS NULL OR group_id = $2::text)
      ORDER BY handled_at LIMIT $3::int FOR UPDATE SKIP LOCKED)`;
  let total = 0;
  for (let batches = 0; batches < (options.maxBatches ?? Infinity) && !options.signal?.aborted; batches++) {
    const { rowCount } = await options.pool.query(sql, [Math.floor(retentionMs), options.groupId ?? null, batchSize]);
    const deleted = rowCount ?? 0;
    total += deleted;
    if (deleted > 0) inboxPruned.inc({ group: options.groupId ?? '*' }, deleted);
    if (deleted < batchSize) break;
  }
  return total;
}

export interface InboxPruningOptions {
  /** Default 35 days: see DEFAULT_INBOX_RETENTION_MS for why it must outlast the consumed topics' retention. */
  retentionMs?: number;
  /** Rows per DELETE (default 1000). */
  batchSize?: number;
  /** Between runs (default 1 hour); the first run comes after min(intervalMs, 1 minute), off the start-up path. */
  intervalMs?: number;
}

/** Prunes one group's inbox rows periodically while a consumer runs. */
export class InboxPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private abort = new AbortController();

  constructor(private readonly target: { pool: Pool; schema: string; groupId: string; logger: MessagingLogger },
    private readonly options: InboxPruningOptions = {}) {}

  start(): void {
    if (this.timer) return;
    this.abort = new AbortController();
    const intervalMs = this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.schedule(Math.min(intervalMs, 60_000));
  }

  /** Cancels the next run and waits for a running one, which stops after its current statement. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (!this.abort.signal.aborted) this.schedule(this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
      });
    }, delayMs);
    this.timer.unref(); // never what keeps a process alive
  }

  private async runOnce(): Promise<void> {
    const { pool, schema, groupId, logger } = this.target;
    try {
      await pruneInbox({ pool, schema, groupId, retentionMs: this.options.retentionMs, batchSize: this.options.batchSize, signal: this.abort.signal });
    } catch (error) {
      // a database outage is the consumer's problem too; the next run tries again
      logger.warn(`inbox pruning of group ${groupId} failed; retrying at the next run`, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
