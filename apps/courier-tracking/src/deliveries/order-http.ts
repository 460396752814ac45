import { ParseUUIDPipe } from '@nestjs/common';
import { RequestValidationError, etagOf } from '@orders/service-kit';
import type { ServerResponse as Response } from 'node:http';
import type { OrderResponse } from './order-responses';

/** `order_id` of a path: a delivery id is a UUID (422 otherwise). */
export const orderIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new RequestValidationError([{ code: 'INVALID_VALUE', field: 'order_id', message: 'order_id must be a UUID' }]),
});

/** The order's version as its ETag (the If-Match of the next write). */
export function withEtag(res: Response, order: OrderResponse): OrderResponse {
  res.setHeader('ETag', etagOf(Number(order.version)));
  return order;
}
