import type { PoolClient } from 'pg';
import { evolveSummary, type OrderSummary } from '../projections/order-state';
import type { IntegrationEvent } from '../projections/integration-event';
import { insertJournal, type KafkaOrigin } from '../storage/journal';
import type { ReadModelDb } from '../storage/read-model-db';
import { loadSummaries, upsertSummaries } from '../storage/summary-rows';
import type { StateOutbox } from './state-outbox';

/**
 * The live effect of one consumed event, inside the consumer runner's inbox transaction (so redelivery has no
 * second effect): the journal row (timeline), the summary row of the serving version, and the new order state in
 * the outbox. Returns the new summary.
 */
export class LiveProjection {
  constructor(private readonly db: ReadModelDb, private readonly outbox: StateOutbox | undefined) {}

  async apply(tx: PoolClient, event: IntegrationEvent, origin: KafkaOrigin): Promise<OrderSummary> {
    await this.db.lockSwitch(tx, 'shared');
    await this.db.lockOrder(tx, event.orderId);
    const table = this.db.summaryTable(await this.db.activeVersion(tx));
    const previous = (await loadSummaries(tx, table, [event.orderId])).get(event.orderId);
    const next = evolveSummary(previous, event);
    // The outbox append first: the event store requires it to be the transaction's first write. An order erased
    // before has had its tombstone; nothing more is published for it.
    if (this.outbox && !previous?.erased) await this.outbox.append(tx, next);
    await insertJournal(tx, this.db.table('events'), event, origin);
    await upsertSummaries(tx, table, [next]);
    return next;
  }
}
