import type { IHeaders } from 'kafkajs';
import type { PoolClient } from 'pg';

/** A message as fetched, before decoding. */
export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** Envelope headers exactly once each (the guard dead-letters others); other headers' last value, as UTF-8. */
  headers: Record<string, string>;
  /** The headers as fetched (bytes, repeats): what a dead letter carries, so it shows what really arrived. */
  rawHeaders?: IHeaders;
  timestamp: string;
}

/** A decoded message handed to a handler. */
export interface InboundMessage<T = unknown> {
  /** `event-id` header (else `${topic}/${partition}/${offset}`): the inbox key. */
  id: string;
  /** `event-type` header, or the decoder's type. */
  type: string;
  payload: T;
  key: string | null;
  headers: Record<string, string>;
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

export interface HandlerContext {
  /** The inbox transaction: effects through it commit with the inbox row, or not at all. */
  tx: PoolClient;
  message: InboundMessage;
  /** 1 on the first try. */
  attempt: number;
}

export type MessageHandler = (message: InboundMessage, context: HandlerContext) => Promise<void>;

/**
 * Why a decoder refused a message. All are dead-lettered; `unknown-type` and `unknown-version` are also counted as
 * parked (`messaging_parked_total`). `ignored` is a deliberate skip (a tombstone a projection does not need):
 * counted as skipped, nothing dead-lettered.
 */
export type Classification = 'malformed' | 'invalid' | 'unknown-type' | 'unknown-version' | 'ignored';

export type Decoded =
  | { ok: true; type: string; payload: unknown; id?: string }
  | { ok: false; classification: Classification; reason: string };

export type Decoder = (raw: RawMessage) => Decoded;
