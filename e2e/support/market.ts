/** Market's API notifications (POST /notification) exactly as its sendNotification reference shows them, for one campaign. */
export const marketNotifications = (campaignId: number) => ({
  inDelivery: (orderId: number, updatedAt: string) =>
    ({ notificationType: 'ORDER_STATUS_UPDATED', campaignId, orderId, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED', updatedAt }),
  cancellationRequested: (orderId: number, requestedAt: string) =>
    ({ notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId, orderId, requestedAt }),
});

