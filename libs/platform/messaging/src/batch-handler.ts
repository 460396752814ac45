import type { PoolClient } from 'pg';
import type { InboundMessage } from './types';

export interface BatchContext {
  /** The chunk's inbox transaction: effects through it commit with the chunk's inbox rows, or not at all. */
  tx: PoolClient;
  /** 1 for a chunk; the attempt number when the per-message fallback hands over a single message. */
  attempt: number;
}

/**
 * Handles several messages of ONE partition, in offset order, inside one inbox transaction. Already-handled
 * messages (the inbox, and repeats inside the chunk) are left out before the call, and nothing has been written in
 * the transaction yet, so the handler may start with an event store's `appendWithin` covering the whole chunk. A
 * throw (or a transaction the handler broke) rolls the chunk back; the consumer then processes the same messages
 * one per transaction, calling this handler with a single message, with the usual retries and dead letters.
 */
export type BatchHandler = (messages: InboundMessage[], context: BatchContext) => Promise<void>;

/** Chunk size when a batch handler is given and `batchTransactions` is not. */
export const DEFAULT_BATCH_CHUNK = 100;
