import { describeOpenApiCompleteness } from '@orders/service-kit/testing';
import { startProjector } from './projector-app';

describeOpenApiCompleteness('projector', async () => {
  const projector = await startProjector();
  return {
    server: projector.app.getHttpServer(),
    exercise: async (answers) => {
      answers.check('get', '/health/live', await projector.http().get('/health/live'));
    },
    close: () => projector.close(),
  };
});
