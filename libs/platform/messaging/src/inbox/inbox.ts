import { escapeLiteral, type PoolClient, type QueryResult } from 'pg';
import type { InboundMessage } from '../types';

/**
 * The inbox statements of one schema. A transaction costs two round trips besides its handlers, sent as one simple
 * query each (values escaped as literals, since a multi-statement query cannot carry parameters): for one message
 * `BEGIN; <inbox read>` and `<inbox insert>; COMMIT`; for a shared run `BEGIN; <claiming insert>` and `COMMIT`.
 */
export class Inbox {
  private readonly table: string;

  constructor(readonly schema: string) {
    this.table = `"${schema}".inbox`;
  }

  /** Opens the transaction and reads the inbox: a read, so the handler's `appendWithin` stays the first write. */
  async begin(tx: PoolClient, groupId: string, messageId: string): Promise<{ seen: boolean }> {
    const results = (await tx.query(
      `BEGIN; SELECT 1 FROM ${this.table} WHERE group_id = ${escapeLiteral(groupId)} AND message_id = ${escapeLiteral(messageId)}`,
    )) as unknown as QueryResult[];
    return { seen: (results[1].rowCount ?? 0) > 0 };
  }

  /**
   * Records the message and commits. The primary key refuses a concurrent duplicate (23505, the whole effect rolls
   * back). `committed: false` when COMMIT answered ROLLBACK: the handler broke the transaction and swallowed the error.
   */
  async commit(tx: PoolClient, groupId: string, message: InboundMessage): Promise<{ committed: boolean }> {
    const results = (await tx.query(`${this.insertSql(groupId, [message])}; COMMIT`)) as unknown as QueryResult[];
    return { committed: results[1].command === 'COMMIT' };
  }

  /** Which of these ids the group has already handled (batched transactions). */
  async known(tx: PoolClient, groupId: string, messageIds: string[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ message_id: string }>(
      `SELECT message_id FROM ${this.table} WHERE group_id = $1 AND message_id = ANY($2::text[])`,
      [groupId, messageIds],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  /**
   * Opens a shared transaction and claims these messages in one statement: the ids it returns are new to the group
   * (recorded now, so a concurrent member waits on them and then finds them known); the rest were handled before,
   * or repeat an earlier message of the same list. One round trip for BEGIN and the whole dedupe.
   */
  async claim(tx: PoolClient, groupId: string, messages: readonly InboundMessage[]): Promise<Set<string>> {
    const sql = `BEGIN; ${this.insertSql(groupId, messages)}
      ON CONFLICT (group_id, message_id) DO NOTHING RETURNING message_id`;
    const results = (await tx.query(sql)) as unknown as QueryResult<{ message_id: string }>[];
    const fresh = new Set<string>();
    for (const row of results[1].rows) fresh.add(row.message_id);
    return fresh;
  }

  /** Ends a claimed transaction; false when COMMIT answered ROLLBACK (a handler broke it and swallowed the error). */
  async commitClaimed(tx: PoolClient): Promise<boolean> {
    return (await tx.query('COMMIT')).command === 'COMMIT';
  }

  /** Records many messages in one statement, then commits (batched transactions). */
  async commitAll(tx: PoolClient, groupId: string, messages: InboundMessage[]): Promise<{ committed: boolean }> {
    const sql = messages.length > 0 ? `${this.insertSql(groupId, messages)}; COMMIT` : 'SELECT 1; COMMIT';
    const results = (await tx.query(sql)) as unknown as QueryResult[];
    return { committed: results[1].command === 'COMMIT' };
  }

  private insertSql(groupId: string, messages: readonly InboundMessage[]): string {
    // a run is one partition of one topic: the constant literals are escaped once, not once per row
    const group = escapeLiteral(groupId);
    let topic = '';
    let topicLiteral = '';
    let values = '';
    for (const m of messages) {
      if (m.topic !== topic) {
        topic = m.topic;
        topicLiteral = escapeLiteral(topic);
      }
      values +=
        `${values ? ', ' : ''}(${group}, ${escapeLiteral(m.id)}, ${topicLiteral}, ${Number(m.partition)}, ` +
        `${BigInt(m.offset).toString()}, ${escapeLiteral(m.type)})`;
    }
    return `INSERT INTO ${this.table} (group_id, message_id, topic, partition, "offset", event_type) VALUES ${values}`;
  }
}
