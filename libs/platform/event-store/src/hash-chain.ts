import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

// The chain, shared by the append SQL (chain_hashes in the schema) and the verifier:
//   content = SHA-256(canonical JSON of {data, eventId, metadata, occurredAt, schemaVersion, streamId, type})
//   hash    = SHA-256(previous event's hash (empty for version 1) || int64 big-endian stream version || content)
// Content is hashed at the edge; the chain step runs in the append statement because only the locked stream row
// knows the previous hash when the expected version is 'any'.

export interface HashedContent {
  eventId: string;
  streamId: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  /** canonicalJson(data) */
  dataJson: string;
  /** canonicalJson(metadata) */
  metadataJson: string;
}

export function contentHash(event: HashedContent): Buffer {
  // Keys in sorted order, values already canonical: the same text canonicalJson would write for the envelope.
  const text = `{"data":${event.dataJson},"eventId":${JSON.stringify(event.eventId)},"metadata":${event.metadataJson},` +
    `"occurredAt":${JSON.stringify(event.occurredAt)},"schemaVersion":${event.schemaVersion},` +
    `"streamId":${JSON.stringify(event.streamId)},"type":${JSON.stringify(event.type)}}`;
  return createHash('sha256').update(text).digest();
}

export function chainHash(previous: Buffer | null, streamVersion: number, content: Buffer): Buffer {
  const version = Buffer.alloc(8);
  version.writeBigInt64BE(BigInt(streamVersion));
  return createHash('sha256').update(previous ?? Buffer.alloc(0)).update(version).update(content).digest();
}

/** Content hash of an event as read back from the store. */
export function storedContentHash(row: {
  eventId: string; streamId: string; type: string; schemaVersion: number; occurredAt: Date; data: unknown; metadata: unknown;
}): Buffer {
  return contentHash({
    eventId: row.eventId,
    streamId: row.streamId,
    type: row.type,
    schemaVersion: row.schemaVersion,
    occurredAt: row.occurredAt.toISOString(),
    dataJson: canonicalJson(row.data),
    metadataJson: canonicalJson(row.metadata),
  });
}
