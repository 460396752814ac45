import type { PaymentType, RecordMarketOrderDetails } from '@orders/cancellations-domain';
import { instantOfMarketDateTime } from '@orders/contracts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Address parts that place a person; what stays (country, region-level parts) does not. */
const PERSONAL_ADDRESS_PARTS = [
  'street',
  'house',
  'estate',
  'block',
  'building',
  'entrance',
  'entryphone',
  'floor',
  'apartment',
  'phone',
  'recipient',
  'gps',
];

/**
 * Market's order without personal data (architecture rule 7: no personal data in clear in events): the buyer keeps
 * only its type; the address only its country, postcode, city, district and subway; the buyer's notes, the courier
 * (a person), and the hand-over codes go. Market itself returns orders so (RESERVED, UNPAID) and its schema allows it.
 */
export function withoutPersonalData(order: Json): Json {
  const { buyer, notes: _notes, delivery, ...rest } = order;
  const cleaned: Json = { ...rest };
  if (isObject(buyer)) cleaned.buyer = { type: buyer.type };
  if (isObject(delivery)) {
    const { address, courier: _courier, eacCode: _eacCode, receiveCode: _receiveCode, ...keep } = delivery;
    cleaned.delivery = isObject(address)
      ? {
          ...keep,
          address: Object.fromEntries(
            Object.entries(address).filter(([part]) => !PERSONAL_ADDRESS_PARTS.includes(part)),
          ),
        }
      : keep;
  }
  return cleaned;
}

type Details = Omit<RecordMarketOrderDetails['data'], 'campaignId' | 'orderId'>;

/**
 * The seam for Market's order read by its API (GET v2/campaigns/{campaignId}/orders/{orderId}, `order`): what
 * `RecordMarketOrderDetails` records of it, read at `asOf` (when the answer came). The connector that fetches it on
 * ORDER_CREATED runs `orders.execute('RecordMarketOrderDetails', { campaignId, orderId, ...marketOrderDetails(order, asOf) })`;
 * the Market-shaped routes then answer with Market's own values instead of stand-ins.
 */
export function marketOrderDetails(order: Json, asOf: string): Details {
  const paymentType =
    order.paymentType === 'PREPAID' || order.paymentType === 'POSTPAID'
      ? (order.paymentType as PaymentType)
      : undefined;
  const created = typeof order.creationDate === 'string' ? instantOfMarketDateTime(order.creationDate) : undefined;
  return {
    source: 'MARKET_API',
    asOf,
    ...(paymentType ? { paymentType } : {}),
    ...(created ? { creationDate: new Date(created).toISOString() } : {}),
    marketOrder: JSON.stringify(withoutPersonalData(order)),
  };
}
