import type { PoolClient } from 'pg';
import { evolveSummary, type OrderSummary } from '../projections/order-state';
import type { IntegrationEvent } from '../projections/integration-event';
import { insertJournal, type JournalEntry, type KafkaOrigin } from '../storage/journal';
import type { ReadModelDb } from '../storage/read-model-db';
import { loadSummaries, upsertSummaries } from '../storage/summary-rows';
import { StateOutbox } from './state-outbox';

/**
 * The live effect of consumed events, inside the consumer runner's inbox transaction (so redelivery has no second
 * effect): journal rows (timeline), the summary rows of the serving version, and each new order state in the
 * outbox. A chunk of one partition costs a fixed number of statements, whatever its size.
 */
export class LiveProjection {
  constructor(private readonly db: ReadModelDb, private readonly outbox: StateOutbox | undefined) {}

  /** One event (a chunk of one). Returns the new summary. */
  async apply(tx: PoolClient, event: IntegrationEvent, origin: KafkaOrigin): Promise<OrderSummary> {
    const summaries = await this.applyChunk(tx, [{ event, origin }]);
    return summaries.get(event.orderId) as OrderSummary;
  }

  /**
   * Events of ONE partition, in offset order: every order of the chunk locked and loaded at once, folded in memory
   * in order, then the outbox append first (event-store rule: the transaction's first write), the journal rows and
   * the summary rows in one statement each. Returns the last summary of each order.
   */
  async applyChunk(tx: PoolClient, entries: readonly JournalEntry[]): Promise<Map<string, OrderSummary>> {
    if (entries.length === 0) return new Map();
    const orderIds = [...new Set(entries.map((e) => e.event.orderId))];
    await this.db.lockSwitch(tx, 'shared');
    await this.db.lockOrders(tx, orderIds);
    const table = this.db.summaryTable(await this.db.activeVersion(tx));
    const current = await loadSummaries(tx, table, orderIds);
    const published: OrderSummary[] = [];
    for (const { event } of entries) {
      const previous = current.get(event.orderId);
      const next = evolveSummary(previous, event);
      // An order erased before has had its tombstone; nothing more is published for it.
      if (!previous?.erased) published.push(next);
      current.set(event.orderId, next);
    }
    const first = entries[0];
    if (this.outbox) await this.outbox.append(tx, StateOutbox.streamOf(first.event.topic, first.origin.partition), published);
    await insertJournal(tx, this.db.table('events'), entries);
    const changed = new Map(orderIds.map((id) => [id, current.get(id) as OrderSummary]));
    await upsertSummaries(tx, table, [...changed.values()]);
    return changed;
  }
}
