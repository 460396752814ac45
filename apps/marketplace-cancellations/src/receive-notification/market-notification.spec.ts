import { InvalidNotification, notificationKey, parseNotification } from './market-notification';

const fieldsOf = (body: unknown): string[] => {
  try {
    parseNotification(body);
  } catch (error) {
    if (error instanceof InvalidNotification) return error.fields.map((f) => `${f.field}:${f.code}`);
    throw error;
  }
  return [];
};

describe('Market notifications at the edge', () => {
  it('answers PING and acknowledges types it does not act on', () => {
    expect(parseNotification({ notificationType: 'PING', time: '2026-03-01T10:00:00Z' })).toEqual({ kind: 'ping' });
    expect(parseNotification({ notificationType: 'CHAT_CREATED', chatId: 1 })).toEqual({ kind: 'ignored', notificationType: 'CHAT_CREATED' });
  });

  it('reads each type with its own event-time field and tolerates fields Market adds', () => {
    expect(parseNotification({ notificationType: 'ORDER_CANCELLED', campaignId: 21, orderId: 7, cancelledAt: '2026-03-01T13:00:00+03:00', items: [] })).toEqual({
      kind: 'order', notification: { notificationType: 'ORDER_CANCELLED', campaignId: '21', orderId: '7', eventAt: '2026-03-01T13:00:00+03:00' },
    });
    expect(parseNotification({ notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId: '21', orderId: '7', createdAt: '2026-03-01T10:00:00Z', paymentType: 'POSTPAID' }))
      .toMatchObject({ kind: 'order', notification: { eventAt: '2026-03-01T10:00:00Z', paymentType: 'POSTPAID' } });
  });

  it('names every bad field', () => {
    expect(fieldsOf(null)).toEqual(['body:BAD_REQUEST']);
    expect(fieldsOf({})).toEqual(['notificationType:REQUIRED_FIELD']);
    expect(fieldsOf({ notificationType: 'ORDER_STATUS_UPDATED', campaignId: 0, orderId: 1.5, updatedAt: '2026-03-01', status: 'delivery' }))
      .toEqual(['campaignId:OUT_OF_RANGE', 'orderId:OUT_OF_RANGE', 'updatedAt:INVALID_VALUE', 'status:INVALID_VALUE']);
    expect(fieldsOf({ notificationType: 'ORDER_CREATED', campaignId: 2 ** 53, orderId: 1, createdAt: '2026-03-01T10:00:00Z', paymentType: 'CASH' }))
      .toEqual(['campaignId:OUT_OF_RANGE', 'paymentType:INVALID_ENUM']);
  });

  it('keys a notification by type, order and event instant, whatever the offset', () => {
    const parse = (createdAt: string) => {
      const parsed = parseNotification({ notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId: 21, orderId: 7, createdAt });
      if (parsed.kind !== 'order') throw new Error('expected an order notification');
      return notificationKey(parsed.notification);
    };
    expect(parse('2026-03-01T13:00:00+03:00')).toBe(parse('2026-03-01T10:00:00.000Z'));
    expect(parse('2026-03-01T10:00:00.001Z')).not.toBe(parse('2026-03-01T10:00:00.000Z'));
  });
});
