import { Publisher, type KafkaOptions } from '@orders/messaging';
import {
  REPLAY_BATCH, replayedMessage, type ReplayResult, type ReplaySelection,
} from '@orders/read-model-protocol';
import { JOURNAL_COLUMNS, type JournalRow } from '../storage/journal';
import type { ReadModelDb } from '../storage/read-model-db';

/**
 * Re-feeds a subset of the journal to one topic (a consumer that missed or mis-handled them): each event with its
 * original key, payload and envelope headers, in the order the projector committed them (per order, the source
 * order), plus `replayed-by`. The event ids are the original ones: a consumer's inbox still drops what it already
 * applied, so a replay to a live consumer is harmless; to re-apply, point it at a fresh group or inbox.
 */
export async function replayToTopic(
  db: ReadModelDb, selection: ReplaySelection, topic: string, kafka: KafkaOptions,
): Promise<ReplayResult> {
  const where = selection.kind === 'order' ? 'order_id = $1' : 'tenant_id = $1 AND occurred_at >= $2::timestamptz';
  const params = selection.kind === 'order' ? [selection.orderId] : [selection.tenantId, selection.since];
  const { rows } = await db.pool.query<JournalRow>(
    `SELECT ${JOURNAL_COLUMNS} FROM ${db.table('events')} j WHERE ${where} ORDER BY j.transaction_id, j.position`,
    params);
  const producer = new Publisher(kafka, 'replay');
  try {
    for (let i = 0; i < rows.length; i += REPLAY_BATCH) {
      await producer.send(topic, rows.slice(i, i + REPLAY_BATCH).map((row) => replayedMessage(row, 'ops-cli')));
    }
  } finally {
    await producer.close();
  }
  return { topic, events: rows.length, orders: new Set(rows.map((r) => r.order_id)).size };
}
