import { etagOf } from '@orders/service-kit';
import type { ServerResponse as Response } from 'node:http';
import type { OrderResponse } from './order-responses';

/** The order's version as its ETag (the If-Match of the next write). */
export function withEtag(res: Response, order: OrderResponse): OrderResponse {
  res.setHeader('ETag', etagOf(Number(order.version)));
  return order;
}
