import { marketComponents } from '@orders/contracts';
import { UnknownApiKey, type ErrorDialectRoutes } from '@orders/service-kit';

/**
 * The statuses Market's API answers with (its error-codes page): a façade of it never answers another. Our 409 (a
 * state precondition), 413 and 422 (validation) become 400, which is how Market reports a request it will not carry
 * out; the error codes and fields stay ours, in Market's `ApiErrorResponse` shape (`{status, errors:[{code,
 * message}]}`), which the envelope already is.
 */
const MARKET_STATUSES = new Set([400, 401, 403, 404, 405, 415, 420, 500, 503]);

/**
 * Market's dialect for the Market-shaped routes (GET orders, GET order, the decision: every path under
 * /v2/campaigns/{campaignId}/orders). Credentials follow Market too: none is 401, a key we do not know is 403 ("the
 * authorization data are wrong"), as Market's 401 and 403 answers describe them.
 */
export const MARKET_API_ERRORS: ErrorDialectRoutes = {
  name: "Market's Partner API",
  paths: /^\/v2\/campaigns\/[^/]+\/orders(\/|$)/,
  // Market's operations document their own answers (MarketOperation); others the kit adds are Market's base error.
  documented: {
    schemaName: 'ApiErrorResponse',
    schema: marketComponents().ApiErrorResponse,
    statuses: [...MARKET_STATUSES],
  },
  dialect: (described, { exception, requestId }) => {
    if (exception instanceof UnknownApiKey) {
      return {
        status: 403,
        body: {
          status: 'ERROR',
          errors: [{ code: 'FORBIDDEN', message: 'the API key is not valid' }],
          request_id: requestId,
        },
      };
    }
    const status = MARKET_STATUSES.has(described.httpStatus)
      ? described.httpStatus
      : described.httpStatus >= 500
        ? 500
        : 400;
    return { status, body: { status: 'ERROR', errors: described.errors, request_id: requestId } };
  },
};
