import { describeOpenApiCompleteness } from '@orders/service-kit/testing';
import { startIntake, submission } from './intake-app';

// Issue 16: intake's document is complete, and real answers (Carbis flow and refusals) are as it documents them.
describeOpenApiCompleteness('intake', async () => {
  const intake = await startIntake();
  const key = { 'Api-Key': intake.keys.companyA };
  const base = '/api/v1/companies/{companyId}/external-orders';
  const orders = '/api/v1/companies/company-a/external-orders';
  return {
    server: intake.app.getHttpServer(),
    pathValues: { companyId: 'company-a' },
    exercise: async (answers) => {
      const send = async (
        method: 'get' | 'post',
        template: string,
        path: string,
        body?: object,
        headers: Record<string, string> = key,
      ) => {
        const request = intake.http()[method](path).set(headers);
        return answers.check(method, template, await (body ? request.send(body) : request));
      };
      const first = submission();
      const created = await send('post', base, orders, first);
      await send('post', base, orders, first);
      await send('post', base, orders, { ...first, items: [] });
      await send('post', base, orders, { ...first, amountMinor: 1 });
      await send('post', base, orders, submission(), {});
      const id = created.body.orderId as string;
      const one = `${base}/{orderId}`;
      await send('get', one, `${orders}/${id}`);
      await send('get', one, `${orders}/00000000-0000-4000-8000-000000000000`);
      await send('get', one, `/api/v1/companies/company-b/external-orders/${id}`);
      await send('post', `${one}/accept`, `${orders}/${id}/accept`, { expectedVersion: 1 });
      await send('post', `${one}/accept`, `${orders}/${id}/accept`, { expectedVersion: 1 });
      await send('post', `${one}/confirm-contents`, `${orders}/${id}/confirm-contents`, {
        items: [{ name: 'Pie', quantity: 2, priceMinor: 17400 }],
      });
      await send('post', `${one}/dispatch`, `${orders}/${id}/dispatch`, {});
      await send('post', `${one}/archive`, `${orders}/${id}/archive`, {});
      await send('get', one, `${orders}/${id}`);
      const other = (await send('post', base, orders, submission())).body.orderId as string;
      await send('post', `${one}/reject`, `${orders}/${other}/reject`, { reasonCode: 'BORED' });
      await send('post', `${one}/reject`, `${orders}/${other}/reject`, { reasonCode: 'OUT_OF_STOCK' });
      await send('post', `${one}/dispatch`, `${orders}/${other}/dispatch`, {});
      await send('get', base, orders);
      await send('get', base, `${orders}?status=on_way`);
      await send('get', base, `${orders}?status=NOPE`);
      await send('post', '/api/v1/admin/order-board/rebuild', '/api/v1/admin/order-board/rebuild', undefined, {
        'Api-Key': intake.keys.operator,
      });
      await send('post', '/api/v1/admin/order-board/rebuild', '/api/v1/admin/order-board/rebuild');
      answers.check('get', '/health/live', await intake.http().get('/health/live'));
    },
    close: () => intake.close(),
  };
});
