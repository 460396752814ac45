import { describeOpenApiCompleteness } from '@orders/service-kit/testing';
import { createStack } from './harness';

describeOpenApiCompleteness('marketplace-cancellations', async () => {
  const stack = await createStack();
  const instance = await stack.start();
  return {
    server: instance.app.getHttpServer(),
    exercise: async (answers) => {
      answers.check('get', '/health/live', await instance.http().get('/health/live'));
    },
    close: () => stack.drop(),
  };
});
