import { createHash } from 'node:crypto';

/**
 * The platform-wide id of an external order, as intake names it: a name-based UUID (RFC 9562 version 8) of
 * (company, source, external id). A repeated submission lands on the same stream, and the delivery created for the
 * order carries the same id. A public rule, not an intake detail: a Market order reaches intake as source
 * `MARKET_ORDER_SOURCE` of its campaign with Market's order id, so marketplace-cancellations and courier-tracking
 * find the intake order (and its delivery) of a Market order without asking intake.
 */
export function externalOrderId(companyId: string, source: string, externalId: string): string {
  // JSON of an array of strings is canonical: intake's first ids were hashed from exactly these bytes.
  const digest = createHash('sha256').update(JSON.stringify(['intake-external-order', companyId, source, externalId])).digest();
  digest[6] = (digest[6] & 0x0f) | 0x80; // version 8
  digest[8] = (digest[8] & 0x3f) | 0x80; // RFC variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The intake source of Market orders: their company is the campaign id and their external id Market's order id. */
export const MARKET_ORDER_SOURCE = 'market';

/** The intake order id (and delivery id) of a Market order. */
export const marketOrderIntakeId = (campaignId: string | number, marketOrderId: string | number): string =>
  externalOrderId(String(campaignId), MARKET_ORDER_SOURCE, String(marketOrderId));
