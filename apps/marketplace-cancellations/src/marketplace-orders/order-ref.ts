import { MARKETPLACE_ORDER_STREAM_TYPE } from '@orders/cancellations-domain';

export interface OrderRef {
  readonly campaignId: string;
  readonly orderId: string;
}

const streamPattern = new RegExp(`^${MARKETPLACE_ORDER_STREAM_TYPE}-(\\d+)-(\\d+)$`);

/** The inverse of marketplaceOrderStreamId, for projections of events that carry only a request id. */
export function orderRefOfStream(streamId: string): OrderRef | undefined {
  const match = streamPattern.exec(streamId);
  return match ? { campaignId: match[1], orderId: match[2] } : undefined;
}
