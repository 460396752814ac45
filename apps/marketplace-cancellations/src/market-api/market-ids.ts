import { RequestValidationError, type ErrorItem } from '@orders/service-kit';
import { MAX_MARKET_ID } from '@orders/contracts';

/** Path ids: int64 in Market (campaignId ≥ 1); we take the exactly representable range. */
function marketId(value: string, field: string, problems: ErrorItem[]): string {
  if (!/^\d{1,16}$/.test(value) || Number(value) < 1 || Number(value) > MAX_MARKET_ID) {
    problems.push({ code: 'OUT_OF_RANGE', field, message: `${field} must be an integer from 1 to ${MAX_MARKET_ID}` });
  }
  return String(Number(value));
}

export function pathIds(campaignId: string, orderId?: string): { campaignId: string; orderId: string } {
  const problems: ErrorItem[] = [];
  const ids = { campaignId: marketId(campaignId, 'campaignId', problems), orderId: orderId === undefined ? '' : marketId(orderId, 'orderId', problems) };
  if (problems.length > 0) throw new RequestValidationError(problems);
  return ids;
}
