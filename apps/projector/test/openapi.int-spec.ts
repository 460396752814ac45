import { describeOpenApiCompleteness, eventually } from '@orders/service-kit/testing';
import { syntheticHistory } from '../src/projections/history';
import { startProjector } from './projector-app';

// Issue 16: the projector's document is complete, and its real answers (read side and refusals) are as documented.
describeOpenApiCompleteness('projector', async () => {
  const projector = await startProjector();
  const operator = { 'Api-Key': projector.keys.operator };
  const desk = { 'Api-Key': projector.keys.company1 };
  const history = syntheticHistory(2, { prefix: 'oapi' });
  return {
    server: projector.app.getHttpServer(),
    exercise: async (answers) => {
      await projector.publish(history);
      const audit = (path: string, key: Record<string, string>) =>
        projector
          .http()
          .get(path)
          .set(key)
          .then((res) => answers.check('get', '/orders/{orderId}/audit', res));
      await eventually(
        () => audit('/orders/oapi-1/audit', operator),
        (res) => res.status === 200,
      );
      await audit('/orders/oapi-1/audit?asOf=2000-01-01T00:00:00Z', operator);
      await audit('/orders/nope/audit', operator);
      await audit('/orders/oapi-1/audit?asOf=yesterday', operator);
      await audit('/orders/oapi-1/audit', {});
      const counts = (query: string, key: Record<string, string>) =>
        projector
          .http()
          .get(`/orders/status-counts${query}`)
          .set(key)
          .then((res) => answers.check('get', '/orders/status-counts', res));
      await counts('', operator);
      await counts('?tenantId=company-1', desk);
      await counts('', desk);
      const letters = (key: Record<string, string>) =>
        projector.http().get('/ops/dead-letters').set(key).then((res) => answers.check('get', '/ops/dead-letters', res));
      await letters(operator);
      await letters(desk);
      const unknown = { topic: `${projector.prefix}nope.dlq`, partition: 0, offset: '0' };
      answers.check('post', '/ops/dead-letters/resolve',
        await projector.http().post('/ops/dead-letters/resolve').set(operator).send(unknown));
      answers.check('post', '/ops/dead-letters/redrive',
        await projector.http().post('/ops/dead-letters/redrive').set(operator).send({ partition: -1 }));
      const rebuild = '/ops/projections/order-summary/rebuild';
      const viewer = { 'Api-Key': projector.keys.viewer };
      answers.check('post', rebuild, await projector.http().post(rebuild).set(viewer).send({}));
      answers.check('post', rebuild, await projector.http().post(rebuild).set(operator).send({ batchSize: 0 }));
      answers.check('get', rebuild, await projector.http().get(rebuild).set(operator));
      answers.check('post', rebuild, await projector.http().post(rebuild).set(operator).send({ batchSize: 100 }));
      answers.check('get', rebuild, await projector.http().get(rebuild).set(operator));
      answers.check('get', '/ops/consumer-lag', await projector.http().get('/ops/consumer-lag').set(operator));
      answers.check('get', '/ops/consumer-lag', await projector.http().get('/ops/consumer-lag').set(desk));
      answers.check('get', '/health/live', await projector.http().get('/health/live'));
      answers.check('get', '/health', await projector.http().get('/health'));
    },
    close: () => projector.close(),
  };
});
