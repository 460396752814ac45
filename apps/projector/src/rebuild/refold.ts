import type { RefoldResult, RefoldScope } from '@orders/read-model-protocol';
import { foldSummary } from '../projections/order-state';
import { eventOfRow, JOURNAL_COLUMNS, type JournalRow } from '../storage/journal';
import { withTransaction } from '@orders/event-store';
import type { ReadModelDb } from '../storage/read-model-db';
import { upsertSummaries } from '../storage/summary-rows';

function selection(scope: RefoldScope): { where: string; value: string } {
  switch (scope.kind) {
    case 'order': return { where: 'order_id = $1', value: scope.orderId };
    case 'company': return { where: 'tenant_id = $1', value: scope.tenantId };
    case 'from-position': return { where: 'position >= $1::bigint', value: scope.position };
    case 'from-time': return { where: 'occurred_at >= $1::timestamptz', value: scope.at };
  }
}

/**
 * A targeted rebuild (`--only`, `--from`): the orders in scope are re-folded from their whole journal history and
 * replaced in the serving version, in one transaction that holds the live writers out, so readers see either the
 * old rows or the new ones. `--from` picks the orders touched since a position or time (after an incident) and
 * still folds each from its first event, since a summary is a fold of everything before too. No side effects.
 */
export async function refold(db: ReadModelDb, scope: RefoldScope): Promise<RefoldResult> {
  const { where, value } = selection(scope);
  return withTransaction(db.pool, async (client) => {
    await db.lockSwitch(client, 'exclusive');
    const version = await db.activeVersion(client);
    const table = db.summaryTable(version);
    const { rows } = await client.query<JournalRow>(
      `SELECT ${JOURNAL_COLUMNS} FROM ${db.table('events')} j
        WHERE order_id IN (SELECT DISTINCT order_id FROM ${db.table('events')} WHERE ${where})
        ORDER BY j.transaction_id, j.position`, [value]);
    const byOrder = new Map<string, JournalRow[]>();
    for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row]);
    const orderIds = [...byOrder.keys()];
    await client.query(`DELETE FROM ${table} WHERE order_id = ANY($1::text[])`, [orderIds]);
    const summaries = [...byOrder.values()]
      .map((history) => foldSummary(history.map(eventOfRow)))
      .filter((s) => s !== undefined);
    await upsertSummaries(client, table, summaries);
    return { version, orders: orderIds.length, events: rows.length };
  });
}
