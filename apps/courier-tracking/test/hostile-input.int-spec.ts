import { describeHostileInput } from '@orders/service-kit/testing';
import { order, startCourierTracking } from './courier-app';

// Issue 14: no input may earn a 5xx. The routes come from the service's own OpenAPI document, so a new route is
// fuzzed without touching this file.
describeHostileInput('courier-tracking', async () => {
  const courier = await startCourierTracking();
  const credentials = { 'Api-Key': courier.keys.companyA };
  // An order that exists, so PATCH, DELETE and the iiko operations reach the command path and not only the 404.
  const created = await courier.http().post('/api/v1/companies/company-a/orders').set(credentials).send(order()).expect(201);
  return {
    server: courier.app.getHttpServer(), credentials,
    pathValues: { company_id: 'company-a', order_id: created.body.delivery_id as string, route_id: 'route-1', courier_id: 'courier-1', id: 'depot-1' },
    bodies: {
      'post /api/v1/companies/{company_id}/orders': () => order(),
      'patch /api/v1/companies/{company_id}/orders/{order_id}': () => order(),
      'post /api/v1/companies/{company_id}/orders-batch': () => [order(), order()],
    },
    close: () => courier.close(),
  };
}, { seed: 14_002, requestsPerRoute: 30 });
