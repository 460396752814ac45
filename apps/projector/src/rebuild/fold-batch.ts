import type { PoolClient } from 'pg';
import { evolveSummary } from '../projections/order-state';
import { eventOfRow, JOURNAL_COLUMNS, type JournalRow } from '../storage/journal';
import { loadSummaries, upsertSummaries } from '../storage/summary-rows';

export interface CommitPosition {
  transactionId: string;
  position: string;
}

/**
 * The next journal rows after `after`, in commit-safe order (transaction id, then position). `before` bounds them
 * to transactions below a cut that is known to be final (see `SummaryRebuilder.takeCut`); without it the caller
 * must hold the live writers out (the switch).
 */
export async function readJournal(
  client: Pick<PoolClient, 'query'>,
  table: string,
  after: CommitPosition,
  limit: number,
  before?: string,
): Promise<JournalRow[]> {
  const { rows } = await client.query<JournalRow>(
    `SELECT ${JOURNAL_COLUMNS} FROM ${table} j
      WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND ($4::xid8 IS NULL OR transaction_id < $4::xid8)
      ORDER BY j.transaction_id, j.position LIMIT $3`,
    [after.transactionId, after.position, limit, before ?? null],
  );
  return rows;
}

/** Whether fewer than `limit` rows follow `after` (committed so far): the tail is short enough to fold under lock. */
export async function tailIsShort(
  client: Pick<PoolClient, 'query'>,
  table: string,
  after: CommitPosition,
  limit: number,
): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE (transaction_id, position) > ($1::xid8, $2::bigint) LIMIT $3) tail`,
    [after.transactionId, after.position, limit],
  );
  return (rows[0]?.n ?? 0) < limit;
}

/** Folds a batch of journal rows into a summary table: one read of the touched rows, one write. */
export async function foldInto(
  client: Pick<PoolClient, 'query'>,
  table: string,
  rows: readonly JournalRow[],
): Promise<void> {
  const summaries = await loadSummaries(client, table, [...new Set(rows.map((row) => row.order_id))]);
  for (const row of rows) summaries.set(row.order_id, evolveSummary(summaries.get(row.order_id), eventOfRow(row)));
  await upsertSummaries(client, table, [...summaries.values()]);
}

export function positionOf(row: JournalRow): CommitPosition {
  return { transactionId: row.transaction_id, position: row.position };
}
