import type { Instance } from './harness';

// Market notification bodies as Market sends them (D-YM-NOTIF), for campaign 21 unless told.

export const statusUpdated = (orderId: number, status: string, updatedAt: string, campaignId = 21) => ({
  notificationType: 'ORDER_STATUS_UPDATED',
  campaignId,
  orderId,
  status,
  substatus: status === 'DELIVERY' ? 'DELIVERY_SERVICE_RECEIVED' : 'STARTED',
  updatedAt,
});

export const cancellationRequested = (orderId: number, requestedAt: string, campaignId = 21) => ({
  notificationType: 'ORDER_CANCELLATION_REQUEST',
  campaignId,
  orderId,
  requestedAt,
});

/** Market sends no credentials: the stack takes notifications from loopback (harness.ts). */
export async function notify(instance: Instance, body: object, expected = 200): Promise<void> {
  await instance.http().post('/notification').send(body).expect(expected);
}

/** An order in DELIVERY with a PENDING request made at `requestedAt`, decided on directly by the worker. */
export async function pendingRequest(
  instance: Instance,
  orderId: number,
  requestedAt: string,
  campaignId = 21,
): Promise<void> {
  const before = new Date(Date.parse(requestedAt) - 3_600_000).toISOString();
  await notify(instance, statusUpdated(orderId, 'DELIVERY', before, campaignId));
  await notify(instance, cancellationRequested(orderId, requestedAt, campaignId));
  await instance.notifications.drain();
}

export const decisionPath = (orderId: number, campaignId = 21) =>
  `/v2/campaigns/${campaignId}/orders/${orderId}/cancellation/accept`;
