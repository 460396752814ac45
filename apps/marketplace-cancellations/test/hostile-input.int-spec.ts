import { describeHostileInput } from '@orders/service-kit/testing';
import { createStack } from './harness';

// Issue 14: no input may earn a 5xx. The routes come from the service's own OpenAPI document, so a new route is
// fuzzed without touching this file.
describeHostileInput(
  'marketplace-cancellations',
  async () => {
    const stack = await createStack();
    const instance = await stack.start();
    return {
      server: instance.app.getHttpServer(),
      credentials: { 'Api-Key': stack.keys.all },
      pathValues: { campaignId: '21', orderId: '1001' },
      close: () => stack.drop(),
    };
  },
  {
    seed: 14_003,
    requestsPerRoute: 40,
    // The queue's event stream never ends, so a request with a valid path would only wait for the timeout (its
    // refusals are in market-calls.int-spec.ts).
    skip: (_method, path) => path.endsWith('/cancellations/events'),
  },
);
