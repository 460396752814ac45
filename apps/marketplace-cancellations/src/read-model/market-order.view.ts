import { marketDate, marketDateTime, marketOpenApi } from '@orders/contracts';
import type { OrderRow } from './market-orders.query';

type Json = Record<string, unknown>;

/**
 * Market's OrderDTO of a read-model row. Market's own order (read by the connector, personal data removed) gives
 * every field it has; status, substatus and cancelRequested are ours, as the notifications keep them current.
 * Until Market's order is read, the fields OrderDTO requires are stand-ins (README, "Market's orders as we hold them"):
 * the creation time from ORDER_CREATED (or the first Market event we hold), the items ORDER_CREATED listed, and
 * Market's UNKNOWN values where its enums have one.
 */
export function marketOrderOf(row: OrderRow): Json {
  const market = row.market_order ?? {};
  const created = row.creation_date ?? row.known_since ?? row.updated_at;
  const standIns: Json = {
    creationDate: marketDateTime(created),
    currency: 'RUR',
    itemsTotal: 0,
    deliveryTotal: 0,
    buyerItemsTotalBeforeDiscount: 0,
    paymentType: row.payment_type ?? 'UNKNOWN',
    paymentMethod: 'UNKNOWN',
    fake: false,
    items: (row.notified_items ?? []).map(({ offerId, count }, index) => ({
      id: index + 1,
      offerId,
      offerName: offerId,
      price: 0,
      buyerPrice: 0,
      buyerPriceBeforeDiscount: 0,
      count,
    })),
    delivery: {
      type: 'UNKNOWN',
      serviceName: '',
      deliveryPartnerType: 'UNKNOWN',
      dates: { fromDate: marketDate(created) },
      deliveryServiceId: 0,
    },
    buyer: { type: 'PERSON' },
    taxSystem: 'UNKNOWN_VALUE',
  };
  return {
    ...standIns,
    ...market,
    id: Number(row.order_id),
    status: row.status,
    substatus: knownSubstatus(row.substatus) ?? knownSubstatus(market.substatus) ?? 'UNKNOWN',
    cancelRequested: row.deadline_at !== null,
  };
}

/**
 * A substatus Market's enum names. Market adds values ("other values may be returned"); one outside the enum we
 * vendored is answered UNKNOWN, as statuses are, so a client generated from the same description can read it.
 */
function knownSubstatus(value: unknown): string | undefined {
  return typeof value === 'string' && marketOpenApi().schema('OrderSubstatusType')(value) ? value : undefined;
}
