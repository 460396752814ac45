import { describeOpenApiCompleteness } from '@orders/service-kit/testing';
import { order, startCourierTracking } from './courier-app';

// Issue 16: courier-tracking's document is complete, and real answers (Track & Trace and iiko flows, refusals) are
// as it documents them; a position's decimal accuracy (a number in Track & Trace) is taken.
describeOpenApiCompleteness('courier-tracking', async () => {
  const courier = await startCourierTracking();
  const key = { 'Api-Key': courier.keys.companyA };
  const company = '/api/v1/companies/company-a';
  const base = '/api/v1/companies/{company_id}';
  return {
    server: courier.app.getHttpServer(),
    pathValues: { company_id: 'company-a' },
    exercise: async (answers) => {
      const send = async (
        method: 'get' | 'post' | 'put' | 'patch' | 'delete',
        template: string,
        path: string,
        body?: unknown,
        headers: Record<string, string> = key,
      ) => {
        const request = courier.http()[method](path).set(headers);
        return answers.check(method, template, await (body === undefined ? request : request.send(body as object)));
      };
      await send('put', `${base}/routes/{id}`, `${company}/routes/r-oapi`, {
        courier_id: 'k-oapi',
        date: '2026-03-02',
      });
      await send('put', `${base}/routes/{id}`, `${company}/routes/r-oapi`, {
        courier_id: 'k-oapi',
        date: '2026-02-30',
      });
      const created = await send('post', `${base}/orders`, `${company}/orders`, order({ route_id: 'r-oapi' }));
      await send('post', `${base}/orders`, `${company}/orders`, order({ lat: 91 }));
      await send('post', `${base}/orders`, `${company}/orders`, order(), {});
      const id = String(created.body.id);
      const one = `${base}/orders/{order_id}`;
      await send('get', `${base}/orders`, `${company}/orders`);
      await send('get', one, `${company}/orders/${id}`);
      await send('get', one, `${company}/orders/999999`);
      await send('get', one, `/api/v1/companies/company-b/orders/${id}`);
      await send('patch', one, `${company}/orders/${id}`, { comments: 'ring twice', weight: 2.5 });
      await send('patch', one, `${company}/orders/${id}`, { number: null });
      await send('post', `${base}/orders-batch`, `${company}/orders-batch`, [order(), order()]);
      await send('post', `${base}/orders-batch`, `${company}/orders-batch`, [order({ lat: 'x' })]);
      await send('post', `${one}/close-time`, `${company}/orders/${id}/close-time`, {
        close_time: '2026-03-02T12:00:00Z',
      });
      await send('post', `${one}/delivered`, `${company}/orders/${id}/delivered`, {
        actual_delivered_at: '2026-03-02T11:20:00Z',
      });
      await send('post', `${one}/payment`, `${company}/orders/${id}/payment`, { payment_type: 'card', amount: 990.5 });
      await send('post', `${one}/close-time`, `${company}/orders/${id}/close-time`, {
        close_time: '2026-03-02T12:00:00Z',
      });
      await send('post', `${one}/close-time`, `${company}/orders/${id}/close-time`, { close_time: null });
      await send('post', `${one}/undo-delivered`, `${company}/orders/${id}/undo-delivered`, {});
      await send('get', `${base}/routes/{route_id}`, `${company}/routes/r-oapi`);
      await send('get', `${base}/routes/{route_id}`, `${company}/routes/r-none`);
      const push = '/api/v1/couriers/{courier_id}/routes/{route_id}/push-positions-v3';
      const positions = [{ point: { lat: 55.7, lon: 37.6 }, accuracy: 5.5, timestamp: 1772434800 }];
      const pushed = await send('post', push, '/api/v1/couriers/k-oapi/routes/r-oapi/push-positions-v3', { positions });
      expect(pushed.status).toBe(200);
      await send('post', push, '/api/v1/couriers/k-oapi/routes/r-none/push-positions-v3', { positions });
      await send('post', push, '/api/v1/couriers/k-oapi/routes/r-oapi/push-positions-v3', { positions: [] });
      await send('get', `${base}/settings`, `${company}/settings`);
      await send('put', `${base}/settings`, `${company}/settings`, {
        mark_delivered_enabled: true,
        time_zone: 'Asia/Almaty',
      });
      await send('put', `${base}/settings`, `${company}/settings`, { time_zone: 'Not/A Zone' });
      await send('put', `${base}/depots/{id}`, `${company}/depots/12`, {
        name: 'Central',
        mark_delivered_radius: 300.5,
      });
      await send('delete', one, `${company}/orders/${id}`);
      await send('delete', one, `${company}/orders/${id}`);
      answers.check('get', '/health/live', await courier.http().get('/health/live'));
    },
    close: () => courier.close(),
  };
});
