import { describeAjvErrors, marketOpenApi } from '@orders/contracts';
import { describeOpenApiCompleteness, type RealAnswer } from '@orders/service-kit/testing';
import { MARKET_API_ERRORS } from '../src/market-api/market-errors';
import { MARKET_ERROR_SCHEMAS } from '../src/market-api/market-operation';
import { MARKET_NOTIFICATION_ERRORS } from '../src/receive-notification/market-notification.errors';
import { createStack } from './harness';
import { decisionPath, notify, pendingRequest } from './market-fixtures';

// Issue 16: the document is complete; Market's routes document Market's own schemas and errors, ours the envelope;
// real answers are held against our document, and the Market-shaped ones also against Market's own description.
const errorSchemas = (path: string): readonly string[] =>
  MARKET_API_ERRORS.paths.test(path)
    ? MARKET_ERROR_SCHEMAS
    : MARKET_NOTIFICATION_ERRORS.paths.test(path)
      ? ['NotificationApiErrorResponse']
      : ['ErrorEnvelope'];

describeOpenApiCompleteness('marketplace-cancellations', async () => {
  const stack = await createStack();
  const app = await stack.start();
  const key = { 'Api-Key': stack.keys.c21 };
  const market = marketOpenApi();
  const asMarket = (operationId: string, answer: RealAnswer): string[] => {
    const validate = market.operation(operationId).response(answer.status);
    return validate(answer.body)
      ? []
      : [`${operationId} ${answer.status}: ${describeAjvErrors(validate.errors).join('; ')}`];
  };
  return {
    server: app.app.getHttpServer(),
    errorSchemas,
    pathValues: { campaignId: '21', orderId: '7001' },
    exercise: async (answers) => {
      await pendingRequest(app, 7001, '2026-03-01T09:00:00.000Z');
      await pendingRequest(app, 7002, '2026-03-01T09:30:00.000Z');
      const marketProblems: string[] = [];
      const call = async (
        operationId: string,
        method: 'get' | 'put',
        template: string,
        path: string,
        body?: object,
        headers: Record<string, string> = key,
      ) => {
        const request = app.http()[method](path).set(headers);
        const res = answers.check(method, template, await (body ? request.send(body) : request));
        marketProblems.push(...asMarket(operationId, res));
        return res;
      };
      const orders = '/v2/campaigns/{campaignId}/orders';
      await call('getOrders', 'get', orders, '/v2/campaigns/21/orders');
      await call('getOrders', 'get', orders, '/v2/campaigns/21/orders?onlyWaitingForCancellationApprove=true&limit=1');
      await call('getOrders', 'get', orders, '/v2/campaigns/21/orders?status=NOPE');
      await call('getOrders', 'get', orders, '/v2/campaigns/21/orders', undefined, {});
      await call('getOrders', 'get', orders, '/v2/campaigns/22/orders');
      const order = `${orders}/{orderId}`;
      await call('getOrder', 'get', order, '/v2/campaigns/21/orders/7001');
      await call('getOrder', 'get', order, '/v2/campaigns/21/orders/999999');
      const accept = `${order}/cancellation/accept`;
      await call('acceptOrderCancellation', 'put', accept, decisionPath(7001), {
        accepted: false,
        reason: 'ORDER_DELIVERED',
      });
      await call('acceptOrderCancellation', 'put', accept, decisionPath(7002), { accepted: false });
      await call('acceptOrderCancellation', 'put', accept, decisionPath(7002), { accepted: true });
      await call('acceptOrderCancellation', 'put', accept, decisionPath(7001), { accepted: true });
      await call('acceptOrderCancellation', 'put', accept, decisionPath(424242), { accepted: true });
      expect(marketProblems).toEqual([]);

      const own = (template: string, path: string, headers = key) =>
        app
          .http()
          .get(path)
          .set(headers)
          .then((res) => answers.check('get', template, res));
      await own('/v2/campaigns/{campaignId}/cancellations/pending', '/v2/campaigns/21/cancellations/pending');
      await own('/v2/campaigns/{campaignId}/cancellations/pending', '/v2/campaigns/21/cancellations/pending?page=0');
      await own('/v2/campaigns/{campaignId}/cancellations/decisions', '/v2/campaigns/21/cancellations/decisions');
      await own('/v2/campaigns/{campaignId}/cancellations/decisions', '/v2/campaigns/22/cancellations/decisions');
      const refusals = '/v2/campaigns/{campaignId}/cancellations/market-refusals';
      await own(refusals, '/v2/campaigns/21/cancellations/market-refusals');
      await own(refusals, '/v2/campaigns/21/cancellations/market-refusals?pageSize=x');
      const marketCalls = '/v2/campaigns/{campaignId}/market-calls';
      await own(marketCalls, '/v2/campaigns/21/market-calls');
      await own(marketCalls, '/v2/campaigns/21/market-calls?orderId=7001&state=PENDING');
      await own(marketCalls, '/v2/campaigns/21/market-calls?state=NOPE');
      await own(marketCalls, '/v2/campaigns/22/market-calls');
      await own('/v2/campaigns/{campaignId}/market-limits', '/v2/campaigns/21/market-limits');
      await own('/v2/campaigns/{campaignId}/market-limits', '/v2/campaigns/22/market-limits');

      const notification = (body: object) =>
        app
          .http()
          .post('/notification')
          .send(body)
          .then((res) => answers.check('post', '/notification', res));
      await notification(market.notifications.requestExamples[0] as object);
      await notification({ notificationType: 'NOPE' });
      await notify(app, { notificationType: 'PING', time: '2026-03-01T10:00:00Z' });
      answers.check('get', '/health/live', await app.http().get('/health/live'));
    },
    close: () => stack.drop(),
  };
});
