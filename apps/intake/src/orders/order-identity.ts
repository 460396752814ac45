import { createHash } from 'node:crypto';
import { canonicalJson } from '@orders/event-store';

/**
 * The order id is a name-based UUID (RFC 9562 version 8) of (company, source, external id): a repeated submission,
 * by HTTP or Kafka, lands on the same stream, and the stream's expected version makes a race of two first
 * submissions end with one order. Companies are part of the name, so two companies may share external ids.
 */
export function externalOrderId(companyId: string, source: string, externalId: string): string {
  const digest = createHash('sha256').update(canonicalJson(['intake-external-order', companyId, source, externalId])).digest();
  digest[6] = (digest[6] & 0x0f) | 0x80; // version 8
  digest[8] = (digest[8] & 0x3f) | 0x80; // RFC variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Digest of the non-personal part of a submission. Personal fields are compared against the sealed record instead. */
export function payloadFingerprint(payload: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
