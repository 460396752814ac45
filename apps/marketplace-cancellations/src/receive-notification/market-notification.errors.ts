import { BadRequestException } from '@nestjs/common';
import { marketComponents } from '@orders/contracts';
import type { ErrorDialectRoutes } from '@orders/service-kit';

/** Market sent an event we already hold: answered as Market's reference says, and nothing happens twice. */
export class DuplicatedNotification extends BadRequestException {
  constructor(key: string) {
    super({ errors: [{ code: 'DUPLICATED_EVENT', message: `notification ${key} was received before` }] });
  }
}

/**
 * POST /notification answers errors as Market's sendNotification reference asks: `{error: {type, message}}`, 400 for
 * a notification Market got wrong (WRONG_EVENT_FORMAT, or DUPLICATED_EVENT), 500 for our own failures (Market counts
 * any other status as one). A refused source or token keeps its 403 (the old push API's answer to a wrong token).
 */
export const MARKET_NOTIFICATION_ERRORS: ErrorDialectRoutes = {
  name: "Market's API notifications",
  paths: /^\/notification\/?$/,
  documented: {
    schemaName: 'NotificationApiErrorResponse',
    schema: marketComponents().NotificationApiErrorResponse,
    statuses: [400, 403, 500],
  },
  dialect: (described, { exception }) => {
    const message = described.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
    if (exception instanceof DuplicatedNotification)
      return { status: 400, body: { error: { type: 'DUPLICATED_EVENT', message } } };
    if (described.httpStatus === 403) return { status: 403, body: { error: { type: 'UNKNOWN', message } } };
    if (described.httpStatus >= 500) return { status: 500, body: { error: { type: 'UNKNOWN', message } } };
    // Malformed JSON, a body over the limit, a wrong content type, a body the reference refuses.
    return { status: 400, body: { error: { type: 'WRONG_EVENT_FORMAT', message } } };
  },
};
