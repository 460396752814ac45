import type { Pool, PoolClient } from 'pg';
import type { Inbox } from './inbox/inbox';
import type { ChunkSpans } from './tracing';
import type { InboundMessage, MessageHandler } from './types';

/** How a run of messages fared in one shared inbox transaction. */
export type SharedOutcome =
  /** Committed: each message's outcome, in order. */
  | { kind: 'committed'; outcomes: Array<'handled' | 'duplicate'> }
  /** The consumer is stopping or lost the partition: rolled back, the run is left to be delivered again. */
  | { kind: 'stopped' }
  /** The handler of `messages[index]` threw: everything rolled back; the messages before it are worth a retry. */
  | { kind: 'failed'; index: number; error: unknown }
  /**
   * Rolled back with no message to blame: no connection, the claim failed, or COMMIT answered ROLLBACK (a handler
   * broke the transaction and swallowed the error). The caller handles these messages one per transaction.
   */
  | { kind: 'unattributed'; error: unknown };

export interface SharedTransactionDeps {
  pool: Pool;
  inbox: Inbox;
  groupId: string;
  handle: MessageHandler;
  /** Checked between handlers: a long run must not hold a stop or a rebalance up. */
  stopped: () => boolean;
  /** Between handlers too (kafkajs sends one only when its interval is due): a long run keeps the session alive. */
  heartbeat: () => Promise<void>;
}

/**
 * Several messages of one partition in ONE transaction, two round trips besides the handlers: `BEGIN; INSERT …
 * ON CONFLICT DO NOTHING RETURNING` claims every message at once (dedupe and record in one statement), the handler
 * runs for each claimed message in order, then COMMIT. No savepoints: a failing handler rolls all back and the
 * caller retries the messages before it without it, which costs nothing while nothing fails.
 */
export async function handleInSharedTransaction(
  deps: SharedTransactionDeps,
  messages: readonly InboundMessage[],
  spans: ChunkSpans | undefined,
): Promise<SharedOutcome> {
  let tx: PoolClient;
  try {
    tx = await deps.pool.connect();
  } catch (error) {
    return { kind: 'unattributed', error };
  }
  let broken: Error | undefined;
  const rollback = () =>
    tx.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
  try {
    let fresh: Set<string>;
    try {
      fresh = await deps.inbox.claim(tx, deps.groupId, messages);
    } catch (error) {
      await rollback();
      return { kind: 'unattributed', error };
    }
    const outcomes: Array<'handled' | 'duplicate'> = new Array(messages.length);
    for (let index = 0; index < messages.length; index += 1) {
      const message = messages[index];
      // a relay resend can put one event twice in a run: only its first occurrence was claimed
      if (!fresh.delete(message.id)) {
        outcomes[index] = 'duplicate';
        continue;
      }
      outcomes[index] = 'handled';
      if (deps.stopped()) {
        await rollback();
        return { kind: 'stopped' };
      }
      try {
        const handle = () => deps.handle(message, { tx, message, attempt: 1 });
        await (spans ? spans.run(index, handle) : handle());
      } catch (error) {
        await rollback();
        return { kind: 'failed', index, error };
      }
      await deps.heartbeat();
    }
    let committed: boolean;
    try {
      committed = await deps.inbox.commitClaimed(tx);
    } catch (error) {
      await rollback();
      return { kind: 'unattributed', error };
    }
    if (!committed)
      return { kind: 'unattributed', error: new Error('a handler aborted the shared transaction; it rolled back') };
    return { kind: 'committed', outcomes };
  } finally {
    tx.release(broken);
  }
}
