import { marketOpenApi } from './market-openapi';

// The vendored description loads, resolves its references and says what Market says.
describe("Market's OpenAPI description (vendored and transcribed)", () => {
  const api = marketOpenApi();

  it('describes the three order methods with their paths, statuses and limits', () => {
    const getOrders = api.operation('getOrders');
    expect([getOrders.method, getOrders.path, getOrders.limits]).toEqual([
      'GET',
      '/v2/campaigns/{campaignId}/orders',
      { parallel: 6, perHour: 10_000 },
    ]);
    expect(getOrders.parameters.find((p) => p.name === 'pageToken')?.aliases).toEqual(['page_token']);
    const accept = api.operation('acceptOrderCancellation');
    expect([accept.method, accept.path, accept.limits.perHour]).toEqual([
      'PUT',
      '/v2/campaigns/{campaignId}/orders/{orderId}/cancellation/accept',
      500,
    ]);
    expect(accept.declaredStatuses).toEqual([200, 400, 401, 403, 404, 420, 500]);
    expect(api.operation('getOrder').path).toBe('/v2/campaigns/{campaignId}/orders/{orderId}');
    expect(() => api.operation('noSuchMethod')).toThrow('no operation noSuchMethod');
  });

  it("holds values against Market's schemas, its own date formats included", () => {
    expect(api.operation('acceptOrderCancellation').requestBody?.({ accepted: false, reason: 'ORDER_DELIVERED' })).toBe(
      true,
    );
    expect(api.operation('acceptOrderCancellation').requestBody?.({ accepted: 'yes' })).toBe(false);
    expect(api.operation('getOrders').response(200)({ orders: [{ id: 1 }] })).toBe(false);
    expect(api.schema('DateDdMmYyyyHhMmSs')('23-09-2022 09:12:41')).toBe(true);
    expect(api.schema('DateDdMmYyyyHhMmSs')('31-02-2022 09:12:41')).toBe(false);
    expect(api.schema('DateDdMmYyyy')('2022-09-23')).toBe(false);
    // Delivery hours are `format: time` in Market's files and ЧЧ:ММ in its prose.
    const dates = api.schema('OrderDeliveryDatesDTO');
    expect(dates({ fromDate: '02-03-2026', fromTime: '10:00', toTime: '23:59' })).toBe(true);
    expect(dates({ fromDate: '02-03-2026', fromTime: '25:00' })).toBe(false);
  });

  it('accepts every example of the notification reference, and each typed as its schema', () => {
    const { notifications } = api;
    expect(notifications.types).toHaveLength(18);
    expect(notifications.examples).toHaveLength(18);
    for (const example of notifications.examples) {
      expect({ dto: example.dto, literal: notifications.check(example.body) }).toEqual({
        dto: example.dto,
        literal: { ok: true, notificationType: 'PING', dto: 'PingNotificationDTO' },
      });
      const typed = notifications.check({ ...example.body, notificationType: example.notificationType });
      expect(typed).toEqual({ ok: true, notificationType: example.notificationType, dto: example.dto });
    }
    for (const body of notifications.requestExamples) expect(notifications.check(body)).toMatchObject({ ok: true });
    for (const body of notifications.responseExamples) expect(notifications.response(body)).toBe(true);
  });

  it('refuses what the reference refuses, naming the fields', () => {
    const { check } = api.notifications;
    expect(
      check({
        notificationType: 'ORDER_CANCELLATION_REQUEST',
        campaignId: 21,
        orderId: 5,
        createdAt: '2026-03-01T10:00:00Z',
      }),
    ).toEqual({ ok: false, problems: ['/requestedAt is required'] });
    expect(
      check({
        notificationType: 'ORDER_STATUS_UPDATED',
        campaignId: 0,
        orderId: 1.5,
        status: 'DELIVERY',
        substatus: 'X',
        updatedAt: 'now',
      }),
    ).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        '/campaignId must be >= 1',
        '/orderId must be integer',
        '/updatedAt must match format "date-time"',
      ]),
    });
    // OrderStatusType and OrderSubstatusType are open: "other values may be returned".
    const later = {
      notificationType: 'ORDER_STATUS_UPDATED',
      campaignId: 1,
      orderId: 2,
      updatedAt: '2026-03-01T10:00:00Z',
    };
    expect(check({ ...later, status: 'TELEPORTED', substatus: 'BEAMED_UP' })).toMatchObject({ ok: true });
    expect(check({ ...later, status: 7, substatus: 'STARTED' })).toEqual({
      ok: false,
      problems: ['/status must be string'],
    });
    expect(check({ time: '2026-03-01T10:00:00Z' })).toEqual({ ok: false, problems: ['/notificationType is required'] });
    expect(check({ notificationType: 'ORDER_SHIPPED' })).toMatchObject({ ok: false });
    expect(check('PING')).toMatchObject({ ok: false });
    expect(api.notifications.errorResponse({ error: { type: 'DUPLICATED_EVENT', message: 'seen' } })).toBe(true);
    expect(api.notifications.errorResponse({ error: { type: 'GONE' } })).toBe(false);
  });
});
