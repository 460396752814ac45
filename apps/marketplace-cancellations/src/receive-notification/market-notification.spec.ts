import { InvalidNotification, notificationKey, parseNotification } from './market-notification';

const problemsOf = (body: unknown): readonly string[] => {
  try {
    parseNotification(body);
  } catch (error) {
    if (error instanceof InvalidNotification) return error.problems;
    throw error;
  }
  return [];
};

describe("Market notifications at the edge (Market's sendNotification reference)", () => {
  it('answers PING and acknowledges the types and placeholder ids it does not act on', () => {
    expect(parseNotification({ notificationType: 'PING', time: '2026-03-01T10:00:00Z' })).toEqual({ kind: 'ping' });
    expect(
      parseNotification({
        notificationType: 'CHAT_CREATED',
        chatId: 1,
        businessId: 2,
        createdAt: '2026-03-01T10:00:00Z',
      }),
    ).toMatchObject({ kind: 'acknowledged', notificationType: 'CHAT_CREATED' });
    expect(
      parseNotification({
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        orderId: 0,
        campaignId: 1,
        requestedAt: '2025-01-01T00:00:00Z',
      }),
    ).toEqual({
      kind: 'acknowledged',
      notificationType: 'ORDER_CANCELLATION_REQUEST',
      reason: 'order id 0 names no Market order',
    });
  });

  it('reads each type with its own event-time field, its items, and tolerates fields Market adds', () => {
    expect(
      parseNotification({
        notificationType: 'ORDER_CANCELLED',
        campaignId: 21,
        orderId: 7,
        cancelledAt: '2026-03-01T13:00:00+03:00',
        items: [],
        extra: 1,
      }),
    ).toEqual({
      kind: 'order',
      notification: {
        notificationType: 'ORDER_CANCELLED',
        campaignId: '21',
        orderId: '7',
        eventAt: '2026-03-01T13:00:00+03:00',
        items: [],
      },
    });
    expect(
      parseNotification({
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        campaignId: 21,
        orderId: 7,
        requestedAt: '2026-03-01T10:00:00Z',
      }),
    ).toEqual({
      kind: 'order',
      notification: {
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        campaignId: '21',
        orderId: '7',
        eventAt: '2026-03-01T10:00:00Z',
      },
    });
    expect(
      parseNotification({
        notificationType: 'ORDER_CREATED',
        campaignId: 21,
        orderId: 8,
        createdAt: '2026-03-01T10:00:00Z',
        items: [{ offerId: 'sku-1', count: 2, price: 5 }],
      }),
    ).toMatchObject({
      kind: 'order',
      notification: { eventAt: '2026-03-01T10:00:00Z', items: [{ offerId: 'sku-1', count: 2 }] },
    });
    expect(
      parseNotification({
        notificationType: 'ORDER_STATUS_UPDATED',
        campaignId: 21,
        orderId: 9,
        status: 'DELIVERY',
        substatus: 'DELIVERY_SERVICE_RECEIVED',
        updatedAt: '2026-03-01T10:00:00Z',
      }),
    ).toMatchObject({ kind: 'order', notification: { status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED' } });
  });

  it('names every problem of a notification the reference refuses', () => {
    expect(problemsOf(null)).toEqual(['(body) must be object']);
    expect(problemsOf({})).toEqual(['/notificationType is required']);
    expect(
      problemsOf({
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        campaignId: 21,
        orderId: 7,
        createdAt: '2026-03-01T10:00:00Z',
      }),
    ).toEqual(['/requestedAt is required']);
    expect(
      problemsOf({
        notificationType: 'ORDER_STATUS_UPDATED',
        campaignId: 0,
        orderId: 1.5,
        updatedAt: '2026-03-01',
        status: 'DELIVERY',
      }),
    ).toEqual(
      expect.arrayContaining([
        '/campaignId must be >= 1',
        '/orderId must be integer',
        '/updatedAt must match format "date-time"',
        '/substatus is required',
      ]),
    );
    expect(
      problemsOf({
        notificationType: 'ORDER_CREATED',
        campaignId: 2 ** 53,
        orderId: 1,
        createdAt: '2026-03-01T10:00:00Z',
        items: [],
      }),
    ).toEqual(['/campaignId must match format "int64"']);
  });

  it('keys a notification by type, order and event instant, whatever the offset', () => {
    const parse = (requestedAt: string) => {
      const parsed = parseNotification({
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        campaignId: 21,
        orderId: 7,
        requestedAt,
      });
      if (parsed.kind !== 'order') throw new Error('expected an order notification');
      return notificationKey(parsed.notification);
    };
    expect(parse('2026-03-01T13:00:00+03:00')).toBe(parse('2026-03-01T10:00:00.000Z'));
    expect(parse('2026-03-01T10:00:00.001Z')).not.toBe(parse('2026-03-01T10:00:00.000Z'));
  });
});
