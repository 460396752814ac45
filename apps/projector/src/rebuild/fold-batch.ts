import type { PoolClient } from 'pg';
import { evolveSummary } from '../projections/order-state';
import { eventOfRow, JOURNAL_COLUMNS, type JournalRow } from '../storage/journal';
import { loadSummaries, upsertSummaries } from '../storage/summary-rows';

export interface CommitPosition {
  transactionId: string;
  position: string;
}

/**
 * The next journal rows after `after`, in commit-safe order (transaction id, then position). `belowHorizon` keeps
 * to transactions that can no longer commit behind the reader (pg_snapshot_xmin), as the event store's readers do;
 * it can be dropped only while every journal writer is locked out (the switch).
 */
export async function readJournal(client: Pick<PoolClient, 'query'>, table: string, after: CommitPosition, limit: number, belowHorizon: boolean): Promise<JournalRow[]> {
  const { rows } = await client.query<JournalRow>(
    `SELECT ${JOURNAL_COLUMNS} FROM ${table}
      WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
        ${belowHorizon ? 'AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())' : ''}
      ORDER BY transaction_id, position LIMIT $3`,
    [after.transactionId, after.position, limit],
  );
  return rows;
}

/** Folds a batch of journal rows into a summary table: one read of the touched rows, one write. */
export async function foldInto(client: Pick<PoolClient, 'query'>, table: string, rows: readonly JournalRow[]): Promise<void> {
  const summaries = await loadSummaries(client, table, [...new Set(rows.map((row) => row.order_id))]);
  for (const row of rows) summaries.set(row.order_id, evolveSummary(summaries.get(row.order_id), eventOfRow(row)));
  await upsertSummaries(client, table, [...summaries.values()]);
}

export function positionOf(row: JournalRow): CommitPosition {
  return { transactionId: row.transaction_id, position: row.position };
}
