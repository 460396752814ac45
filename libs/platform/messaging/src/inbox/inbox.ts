import type { PoolClient } from 'pg';
import type { InboundMessage } from '../types';

/** The inbox queries of one schema: a read before the handler, an insert after it, both in its transaction. */
export class Inbox {
  private readonly seenSql: string;
  private readonly recordSql: string;

  constructor(readonly schema: string) {
    this.seenSql = `SELECT 1 FROM "${schema}".inbox WHERE group_id = $1 AND message_id = $2`;
    this.recordSql = `INSERT INTO "${schema}".inbox (group_id, message_id, topic, partition, "offset", event_type)
                      VALUES ($1, $2, $3, $4, $5, $6)`;
  }

  /** A read, so the handler's `appendWithin` stays the transaction's first write. */
  async seen(tx: PoolClient, groupId: string, messageId: string): Promise<boolean> {
    const { rowCount } = await tx.query({ name: `inbox-seen-${this.schema}`, text: this.seenSql, values: [groupId, messageId] });
    return (rowCount ?? 0) > 0;
  }

  /** Its primary key refuses a concurrent duplicate (23505), rolling the whole effect back. */
  async record(tx: PoolClient, groupId: string, message: InboundMessage): Promise<void> {
    await tx.query({
      name: `inbox-record-${this.schema}`, text: this.recordSql,
      values: [groupId, message.id, message.topic, message.partition, message.offset, message.type],
    });
  }
}
