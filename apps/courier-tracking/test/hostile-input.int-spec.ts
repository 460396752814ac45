import { describeHostileInput } from '@orders/service-kit/testing';
import { order, startCourierTracking } from './courier-app';

// Issue 14: no input may earn a 5xx. The routes come from the service's own OpenAPI document, so a new route is
// fuzzed without touching this file.
describeHostileInput('courier-tracking', async () => {
  const courier = await startCourierTracking();
  return {
    server: courier.app.getHttpServer(),
    credentials: { 'Api-Key': courier.keys.companyA },
    // PATCH, DELETE and the iiko operations act on this delivery.
    existing: { path: '/api/v1/companies/company-a/orders', body: order(), idField: 'delivery_id', pathValue: 'order_id' },
    pathValues: { company_id: 'company-a', route_id: 'route-1', courier_id: 'courier-1', id: 'depot-1' },
    bodies: {
      'post /api/v1/companies/{company_id}/orders': () => order(),
      'patch /api/v1/companies/{company_id}/orders/{order_id}': () => order(),
      'post /api/v1/companies/{company_id}/orders-batch': () => [order(), order()],
    },
    close: () => courier.close(),
  };
}, { seed: 14_002, requestsPerRoute: 30 });
