import { describeHostileInput } from '@orders/service-kit/testing';
import { startIntake, submission } from './intake-app';

// Issue 14: no input may earn a 5xx. The routes come from the service's own OpenAPI document, so a new route is
// fuzzed without touching this file.
describeHostileInput('intake', async () => {
  const intake = await startIntake();
  return {
    server: intake.app.getHttpServer(),
    credentials: { 'Api-Key': intake.keys.companyA },
    existing: {
      path: '/api/v1/companies/company-a/external-orders', body: submission(), idField: 'orderId', pathValue: 'orderId',
    },
    pathValues: { companyId: 'company-a' },
    bodies: { 'post /api/v1/companies/{companyId}/external-orders': () => submission() },
    close: () => intake.close(),
  };
}, {
  seed: 14_001,
  requestsPerRoute: 40,
  // Rebuilding the board is an operator action that drops and replays the projection: not input handling. The
  // event stream never ends, so a request with a valid path would only wait for the timeout.
  skip: (_method, path) => path.startsWith('/api/v1/admin/') || path.endsWith('/external-order-events'),
});
