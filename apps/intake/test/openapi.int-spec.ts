import { describeOpenApiCompleteness } from '@orders/service-kit/testing';
import { startIntake } from './intake-app';

describeOpenApiCompleteness('intake', async () => {
  const intake = await startIntake();
  return {
    server: intake.app.getHttpServer(),
    exercise: async (answers) => {
      answers.check('get', '/health/live', await intake.http().get('/health/live'));
    },
    close: () => intake.close(),
  };
});
