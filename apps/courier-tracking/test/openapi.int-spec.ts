import { describeOpenApiCompleteness } from '@orders/service-kit/testing';
import { startCourierTracking } from './courier-app';

describeOpenApiCompleteness('courier-tracking', async () => {
  const courier = await startCourierTracking();
  return {
    server: courier.app.getHttpServer(),
    exercise: async (answers) => {
      answers.check('get', '/health/live', await courier.http().get('/health/live'));
    },
    close: () => courier.close(),
  };
});
