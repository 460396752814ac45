/** Market push notifications (POST /notification) as Market sends them, for one campaign. */
export const marketNotifications = (campaignId: number) => ({
  inDelivery: (orderId: number, updatedAt: string) =>
    ({ notificationType: 'ORDER_STATUS_UPDATED', campaignId, orderId, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED', updatedAt, paymentType: 'PREPAID' }),
  cancellationRequested: (orderId: number, createdAt: string) =>
    ({ notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId, orderId, createdAt, status: 'DELIVERY', paymentType: 'PREPAID' }),
});

