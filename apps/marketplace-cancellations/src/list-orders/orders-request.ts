import { BadRequestException } from '@nestjs/common';
import { addDays, daysBetween, moscowMidnight } from '../market-api/market-dates';
import type { MarketQuery } from '../market-api/market-query';
import type { OrdersFilter, OrdersPaging, Range } from '../read-model/market-orders.query';

/** GetOrdersResponse holds at most 50 orders; the older pageSize and the cursor's limit both stop there. */
export const MAX_ORDERS_PER_PAGE = 50;
/** Market's date filters span at most 30 days. */
const MAX_RANGE_DAYS = 30;

const refuse = (field: string, message: string): never => {
  throw new BadRequestException({ errors: [{ code: 'INVALID_PARAMETER', field, message }] });
};

/**
 * fromDate/toDate as Market describes them: days in Moscow, `toDate` excluded, at most 30 days apart, a span under
 * a day widened to one day; either alone takes the other from Market's defaults (30 days before `toDate`, today).
 */
function dayRange(query: MarketQuery, fromName: string, toName: string, now: Date): Range | undefined {
  const fromText = query[fromName] as string | undefined;
  const toText = query[toName] as string | undefined;
  if (fromText === undefined && toText === undefined) return undefined;
  const to = toText === undefined ? addDays(moscowMidnight(todayOf(now)) as Date, 1) : (moscowMidnight(toText) as Date);
  const from = fromText === undefined ? addDays(to, -MAX_RANGE_DAYS) : (moscowMidnight(fromText) as Date);
  if (daysBetween(from, to) > MAX_RANGE_DAYS)
    refuse(toName, `${fromName} and ${toName} may be at most ${MAX_RANGE_DAYS} days apart`);
  return daysBetween(from, to) < 1 ? { from, to: addDays(from, 1) } : { from, to };
}

const todayOf = (now: Date): string => new Date(now.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);

function instantRange(query: MarketQuery, fromName: string, toName: string): Range | undefined {
  const from = query[fromName] as string | undefined;
  const to = query[toName] as string | undefined;
  if (from === undefined && to === undefined) return undefined;
  const range = { from: new Date(from ?? '1900-01-01T00:00:00Z'), to: new Date(to ?? '9999-12-31T00:00:00Z') };
  if (from !== undefined && to !== undefined && daysBetween(range.from, range.to) > MAX_RANGE_DAYS) {
    refuse(toName, `${fromName} and ${toName} may be at most ${MAX_RANGE_DAYS} days apart`);
  }
  return range;
}

/** The cursor Market hands out as `nextPageToken`: where the list resumes, and which list it belongs to. */
export function pageToken(waiting: boolean, position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ q: waiting ? 'w' : 'a', k: position })).toString('base64url');
}

function positionOf(token: string, waiting: boolean): (string | number)[] {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { q?: unknown; k?: unknown };
    const position = decoded.k;
    const fits = waiting
      ? Array.isArray(position) &&
        position.length === 2 &&
        !Number.isNaN(Date.parse(String(position[0]))) &&
        Number.isSafeInteger(position[1])
      : Array.isArray(position) && position.length === 1 && Number.isSafeInteger(position[0]);
    if (decoded.q === (waiting ? 'w' : 'a') && fits) return position as (string | number)[];
  } catch {
    // falls through to the refusal
  }
  return refuse('pageToken', 'pageToken is not one this list handed out (it belongs to another list, or was changed)');
}

/** GET orders' filter and paging from its typed query (`marketQuery('getOrders', …)`). */
export function ordersRequestOf(query: MarketQuery, now: Date): { filter: OrdersFilter; paging: OrdersPaging } {
  const waiting = query.onlyWaitingForCancellationApprove === true;
  const filter: OrdersFilter = {
    onlyWaitingForCancellationApprove: waiting,
    orderIds: (query.orderIds as number[] | undefined)?.map(String),
    statuses: query.status as string[] | undefined,
    substatuses: query.substatus as string[] | undefined,
    created: dayRange(query, 'fromDate', 'toDate', now),
    shipment: dayRange(query, 'supplierShipmentDateFrom', 'supplierShipmentDateTo', now),
    updated: instantRange(query, 'updatedAtFrom', 'updatedAtTo'),
    dispatchType: query.dispatchType as string | undefined,
    fake: query.fake === true,
    hasCis: query.hasCis === true,
    onlyEstimatedDelivery: query.onlyEstimatedDelivery === true,
    buyerType: query.buyerType as string | undefined,
  };
  // Market's schema bounds page above only (10000) and pageSize not at all; below 1 neither names a page.
  for (const name of ['page', 'pageSize'])
    if (typeof query[name] === 'number' && (query[name] as number) < 1) refuse(name, `${name} must be at least 1`);
  // A cursor (pageToken, limit) is Market's current paging; page/pageSize the older one, and the default.
  const cursor = query.pageToken !== undefined || query.limit !== undefined;
  const paging: OrdersPaging = cursor
    ? {
        kind: 'cursor',
        after: query.pageToken === undefined ? undefined : positionOf(String(query.pageToken), waiting),
        limit: (query.limit as number | undefined) ?? MAX_ORDERS_PER_PAGE,
      }
    : {
        kind: 'page',
        page: (query.page as number | undefined) ?? 1,
        pageSize: Math.min((query.pageSize as number | undefined) ?? MAX_ORDERS_PER_PAGE, MAX_ORDERS_PER_PAGE),
      };
  return { filter, paging };
}
