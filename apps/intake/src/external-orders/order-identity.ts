import { createHash } from 'node:crypto';
import { canonicalJson } from '@orders/event-store';

/**
 * The order id is a name-based UUID of (company, source, external id): a repeated submission, by HTTP or Kafka, lands
 * on the same stream, and the stream's expected version makes a race of two first submissions end with one order.
 * The rule is public (`@orders/contracts`): the other services derive a Market order's intake id from it.
 */
export { externalOrderId } from '@orders/contracts';

/** Digest of the non-personal part of a submission. Personal fields are compared against the sealed record instead. */
export function payloadFingerprint(payload: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a company (tenant) id may look like, in a path or a message; anything else names no company. */
export const COMPANY_ID = /^[\w.-]{1,128}$/;
